"""Forms for the auth pages."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from utils.date_utils import is_valid_timezone

MIN_PASSWORD = 10


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class RegisterForm(FlaskForm):
    """New account."""

    email = EmailField("Email", filters=[_lower], validators=[DataRequired(), Email(check_deliverability=False),
                                                               Length(max=254)])
    display_name = StringField("Name (optional)", validators=[Length(max=100)])
    timezone = StringField("Timezone", default="UTC", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=256, message=f"Use at least {MIN_PASSWORD} characters.")])
    confirm = PasswordField("Repeat password", validators=[DataRequired(), EqualTo("password",
                                                                                   "The passwords do not match.")])

    def validate_timezone(self, field):
        if not is_valid_timezone(field.data.strip()):
            raise ValidationError("Unknown timezone; use a name like Europe/Berlin or America/New_York.")


class LoginForm(FlaskForm):
    """Sign in."""

    email = EmailField("Email", filters=[_lower], validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    remember = BooleanField("Remember me")


class ChangePasswordForm(FlaskForm):
    """Change password (the current one is required)."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=256, message=f"Use at least {MIN_PASSWORD} characters.")])
    confirm = PasswordField("Repeat new password", validators=[
        DataRequired(), EqualTo("new_password", "The passwords do not match.")])


class ProfileForm(FlaskForm):
    """Name and timezone."""

    display_name = StringField("Name", validators=[Length(max=100)])
    timezone = SelectField("Timezone", choices=[])

    def validate_timezone(self, field):
        if not is_valid_timezone(field.data):
            raise ValidationError("Unknown timezone.")


class ApiTokenForm(FlaskForm):
    """Create a personal API token."""

    name = StringField("Token name", description="What uses it, e.g. 'phone shortcut' or 'backup script'",
                       validators=[DataRequired(), Length(max=100)])


class RevokeTokenForm(FlaskForm):
    """Revoke one token (CSRF token only)."""


class DeleteAccountForm(FlaskForm):
    """Delete the account: the password again, and an explicit confirmation."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])
    confirm = BooleanField("Delete my account and all of my data; this cannot be undone",
                           validators=[DataRequired("Tick the box to confirm.")])
