"""Where the synthetic corpus's extracted text goes: the search engine's own
text storage and index, filled in bulk."""


class TextSink:
    """Collects generated page texts per attachment and stores them in bulk."""

    @classmethod
    def for_database(cls):
        # No text storage on this branch yet: text is not generated.
        return None

    def add(self, texts):
        raise NotImplementedError

    def finish(self, *, stdout=None):
        raise NotImplementedError


def clear_synthetic_text():
    """Remove the synthetic documents' text before their rows go."""
