"""Finding documents by their words.

`Document.objects.search(query)` is the one entry point every list page and
the search page use. This first version matches words in the symbol, title and
summary; the full-text engine replaces its body without changing callers."""

from django.db.models import Q


def filter_documents(queryset, query):
    words = (query or "").split()
    for word in words[:20]:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(decision__symbol__icontains=word)
        )
    return queryset
