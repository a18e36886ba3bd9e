"""The search page: /search/?q=… across every kind of document."""

from django import forms
from django.http import Http404
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .languages import is_language_code, language_name
from .models import DocumentKind
from .search import MAX_QUERY_CHARS, PageOutOfRange, search_documents

PER_PAGE = 20
FILTER_NAMES = ("kind", "year", "country", "topic", "language")
FILTER_LABELS = {
    "kind": _("Kind"),
    "year": _("Year"),
    "country": _("Country"),
    "topic": _("Topic"),
    "language": _("File language"),
}


class SearchForm(forms.Form):
    """The query and the filters the facets set; a bad filter value is a form
    error shown to the reader, never a 500."""

    # No length limit here: the query parser uses the first 500 characters and says so.
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any kind")), *DocumentKind.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1975, max_value=2100)
    country = forms.RegexField(label=_("Country"), required=False, regex=r"^[A-Za-z]{2}$")
    topic = forms.SlugField(label=_("Topic"), required=False, max_length=100)
    language = forms.CharField(label=_("File language"), required=False, max_length=3)

    def clean_language(self):
        code = self.cleaned_data["language"].lower()
        if code and not is_language_code(code):
            raise forms.ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
        return code

    def clean_country(self):
        return self.cleaned_data["country"].upper()


def _without_nul(data):
    cleaned = data.copy()
    for key in cleaned:
        cleaned.setlist(key, [value.replace("\x00", " ") for value in cleaned.getlist(key)])
    return cleaned


class SearchView(TemplateView):
    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(_without_nul(self.request.GET))
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
        query = data.get("q", "") if valid else _without_nul(self.request.GET).get("q", "")[:MAX_QUERY_CHARS]
        filters = {name: data.get(name) for name in FILTER_NAMES if data.get(name)}
        page = self._page_number()
        results = None
        if query.strip():
            try:
                results = search_documents(query, filters=filters, page=page, per_page=PER_PAGE)
            except PageOutOfRange:
                raise Http404("No such page of results.") from None
        context.update(
            form=form,
            query=query,
            filters=filters,
            results=results,
            facets=self._facets(results, query, filters) if results else [],
            active_filters=self._active_filters(query, filters),
            page_links=self._page_links(results, query, filters) if results else {},
        )
        return context

    def _page_number(self):
        raw = self.request.GET.get("page", "1")
        try:
            page = int(raw)
        except (TypeError, ValueError):
            raise Http404("No such page of results.") from None
        if page < 1:
            raise Http404("No such page of results.")
        return page

    @staticmethod
    def _url(query, filters, **changes):
        params = {"q": query, **filters, **changes}
        return "?" + urlencode({key: value for key, value in params.items() if value not in (None, "")})

    def _facets(self, results, query, filters):
        facets = []
        for name, items in results.facets.items():
            if not items:
                continue
            shown = []
            for item in items[:15]:
                selected = str(filters.get(name, "")).lower() == str(item["value"]).lower()
                shown.append(
                    {
                        **item,
                        "selected": selected,
                        "url": self._url(query, filters, **{name: "" if selected else item["value"]}),
                    }
                )
            facets.append({"name": name, "label": FILTER_LABELS[name], "items": shown})
        return facets

    def _active_filters(self, query, filters):
        kinds = dict(DocumentKind.choices)
        shown = {"kind": lambda value: kinds.get(value, value), "language": language_name}
        return [
            {
                "name": name,
                "label": FILTER_LABELS[name],
                "value": shown.get(name, str)(value),
                "remove_url": self._url(query, filters, **{name: ""}),
            }
            for name, value in filters.items()
        ]

    def _page_links(self, results, query, filters):
        links = {}
        if results.has_previous:
            links["previous"] = self._url(query, filters, page=results.page_number - 1)
        if results.has_next:
            links["next"] = self._url(query, filters, page=results.page_number + 1)
        return links
