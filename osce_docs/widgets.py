"""Form widgets of the public filters, drawn in Python.

Django draws a select through templates: `select.html` includes
`select_option.html` for each choice, which includes `attrs.html`. A country
filter is some sixty template renders, and the filters were about a third of
a list page's time. These widgets take the same context Django builds
(`get_context`) and write the markup those templates write, character for
character, with `format_html`; nothing else about the widgets changes."""

from django import forms
from django.utils.formats import localize
from django.utils.safestring import mark_safe

from .markup import escape, format_html


def render_attrs(attrs):
    """As django/forms/widgets/attrs.html: ` name="value"` in order, a bare
    ` name` for True, nothing for False."""
    if not attrs:
        return ""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def render_input(widget):
    """As django/forms/widgets/input.html, from a widget's context."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', value) if value is not None else "",
        render_attrs(widget["attrs"]),
    )


def render_option(value, label, selected):
    """As django/forms/widgets/select_option.html (a select's options carry no other attributes)."""
    # `{{ widget.label }}` localises what is not text (a number, a date).
    label = escape(label if isinstance(label, str) else localize(label))
    return f'<option value="{escape(value)}"{" selected" if selected else ""}>{label}</option>'


def render_select(widget, choices, multiple=False):
    """As django/forms/widgets/select.html (the line breaks included), from a
    select's context without its `optgroups`: the options are written straight
    from CHOICES, choosing the selected ones as `ChoiceWidget.optgroups` does
    (Django builds a dict of thirteen keys for each option first)."""
    values = widget["value"]
    parts = [format_html('<select name="{}"{}>', widget["name"], render_attrs(widget["attrs"]))]
    has_selected = False
    for option_value, option_label in choices:
        if option_value is None:
            option_value = ""
        grouped = isinstance(option_label, (list, tuple))
        if grouped:
            parts.append(format_html('\n  <optgroup label="{}">', option_value))
        for value, label in option_label if grouped else [(option_value, option_label)]:
            selected = (not has_selected or multiple) and str(value) in values
            has_selected |= selected
            parts.append(f"\n  {render_option(value, label, selected)}\n")
        if grouped:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


class TextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        return render_input(self.get_context(name, value, attrs)["widget"])


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        # Widget.get_context: what ChoiceWidget's adds (`optgroups`) is not needed.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        return render_select(widget, self.choices, self.allow_multiple_selected)
