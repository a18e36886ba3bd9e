"""Finding documents by their words.

`Document.objects.search(query)` is the one entry point every list page and
the search page use. This first version matches words in the symbol, title and
summary; the full-text engine replaces its body without changing callers."""

from django.db.models import Q


def _symbol_lookup(model):
    from .models import Document

    return "decision__symbol__icontains" if model is Document else "document_ptr__decision__symbol__icontains"


def filter_documents(queryset, query):
    symbol_lookup = _symbol_lookup(queryset.model)
    for word in (query or "").split()[:20]:
        queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(**{symbol_lookup: word}))
    return queryset


def filter_recommendations(queryset, query):
    """Recommendations whose text holds every word of QUERY (`Recommendation.objects.search`)."""
    for word in (query or "").split()[:20]:
        queryset = queryset.filter(text__icontains=word)
    return queryset
