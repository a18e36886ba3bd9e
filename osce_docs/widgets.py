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


def render_option(option):
    """As django/forms/widgets/select_option.html."""
    label = option["label"]
    # `{{ widget.label }}` localises what is not text (a number, a date).
    label = escape(label if isinstance(label, str) else localize(label))
    return f'<option value="{escape(option["value"])}"{render_attrs(option["attrs"])}>{label}</option>'


def render_select(widget):
    """As django/forms/widgets/select.html (the line breaks included), from a select's context."""
    parts = [format_html('<select name="{}"{}>', widget["name"], render_attrs(widget["attrs"]))]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        parts.extend(f"\n  {render_option(option)}\n" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


class TextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        return render_input(self.get_context(name, value, attrs)["widget"])


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        return render_select(self.get_context(name, value, attrs)["widget"])
