"""Background tasks (django-tasks). They take primary keys, cope with the row
being gone by the time they run, and call services."""

from django_tasks import task


@task()
def extract_attachment_text(attachment_pk):
    """Read the text of an attached file into its pages and the search index.
    Does nothing when the file was deleted, or its text was read already."""
    from .services import attachment_extract_text

    attachment = attachment_extract_text(attachment_pk=attachment_pk)
    return attachment.text_status if attachment else None
