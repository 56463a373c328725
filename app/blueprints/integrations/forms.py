"""Credential forms built from each source's manifest."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from etl.data_sources.base import Manifest


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
