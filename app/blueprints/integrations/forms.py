"""Credential forms built from each source's manifest."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from etl.data_sources.base import Manifest, SettingField


class EmptyForm(FlaskForm):
    """A form with only the CSRF token (disconnect, sync now)."""


def credentials_form(manifest: Manifest, formdata=None) -> FlaskForm:
    """A form with one field per declared credential field; secret fields never render a value."""

    class CredentialsForm(FlaskForm):
        pass

    for spec in manifest.credential_fields:
        if spec.multiline:
            field = TextAreaField(spec.label, description=spec.help, validators=[Optional(), Length(max=20000)],
                                  render_kw={"rows": 4, "autocomplete": "off", "spellcheck": "false"})
        elif spec.secret:
            field = PasswordField(spec.label, description=spec.help, validators=[Optional(), Length(max=4096)],
                                  render_kw={"autocomplete": "off"})
        else:
            field = StringField(spec.label, description=spec.help, validators=[Optional(), Length(max=4096)])
        setattr(CredentialsForm, spec.name, field)
    kwargs = {} if formdata is None else {"formdata": formdata}
    return CredentialsForm(prefix=manifest.key, **kwargs)


def settings_form(manifest: Manifest, stored: dict[str, Any] | None = None, formdata=None) -> FlaskForm:
    """A form with one field per declared setting, filled from the stored settings."""

    class SettingsForm(FlaskForm):
        pass

    for spec in manifest.setting_fields:
        setattr(SettingsForm, spec.name, _setting_field(spec))
    data = {spec.name: setting_text(spec, (stored or {}).get(spec.name)) for spec in manifest.setting_fields}
    kwargs = {"data": data} if formdata is None else {"formdata": formdata}
    return SettingsForm(prefix=f"{manifest.key}-settings", **kwargs)


def _setting_field(spec: SettingField):
    checks = [DataRequired(f"{spec.label} is required.")] if spec.required else [Optional()]
    checks.append(Length(max=20000))
    if spec.kind == "select":
        return SelectField(spec.label, choices=[SelectChoice(value, label) for value, label in spec.choices],
                           default=spec.default, description=spec.help)
    if spec.kind == "email":
        return EmailField(spec.label, description=spec.help,
                          validators=[*checks, Email("Enter an e-mail address.", check_deliverability=False)])
    if spec.kind in ("textarea", "lines"):
        return TextAreaField(spec.label, description=spec.help, validators=checks, render_kw={"rows": 4})
    return StringField(spec.label, description=spec.help, validators=checks)


def setting_text(spec: SettingField, value: Any) -> str:
    """A stored setting as the text the form shows."""
    if value is None:
        return spec.default
    if spec.kind == "lines":
        return "\n".join(" | ".join(str(item.get(k) or "") for k in spec.line_keys).rstrip(" |")
                         for item in value if isinstance(item, dict))
    return str(value)


def setting_value(spec: SettingField, text: str) -> Any:
    """The value to store for the submitted text."""
    text = (text or "").strip()
    if spec.kind != "lines":
        return text
    entries = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if parts and parts[0]:
            entries.append({key: part for key, part in zip(spec.line_keys, parts, strict=False) if part})
    return entries
