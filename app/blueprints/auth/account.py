"""Account page extras: personal API tokens, data export links, account deletion."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.security import check_password_hash

from app import audit
from app.blueprints.api.tokens import create_token, revoke_token, user_tokens
from app.blueprints.auth import bp
from app.blueprints.auth.deletion import delete_account, hold_integrations
from app.blueprints.auth.forms import ApiTokenForm, ChangePasswordForm, DeleteAccountForm, ProfileForm, RevokeTokenForm
from app.extensions import db, limiter
from utils.date_utils import timezone_choices


def render_account(profile: ProfileForm | None = None, password: ChangePasswordForm | None = None,
                   token_form: ApiTokenForm | None = None, delete_form: DeleteAccountForm | None = None,
                   new_token: str | None = None, status: int = 200):
    """The account page with every form (the one that was submitted keeps its errors)."""
    if profile is None:
        profile = ProfileForm(prefix="profile", obj=current_user, formdata=None)
    profile.timezone.choices = timezone_choices()
    page = render_template(
        "auth/account.html", profile=profile, password=password or ChangePasswordForm(prefix="password",
                                                                                       formdata=None),
        token_form=token_form or ApiTokenForm(prefix="token", formdata=None),
        delete_form=delete_form or DeleteAccountForm(prefix="delete", formdata=None),
        tokens=user_tokens(current_user.id), new_token=new_token)
    return page, status, {"Cache-Control": "no-store"} if new_token else {}


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_api_token():
    """Create a token and show it once (only its hash is kept)."""
    form = ApiTokenForm(prefix="token")
    if not form.validate_on_submit():
        return render_account(token_form=form, status=400)
    row, token = create_token(current_user.id, form.name.data.strip())
    db.session.flush()
    audit.record("api_token_created", current_user.id, f"token_id={row.id}")
    db.session.commit()
    return render_account(new_token=token, status=201)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of the user's tokens; it stops working at once."""
    if not RevokeTokenForm().validate_on_submit():
        flash("Your form expired. Please try again.", "error")
        return redirect(url_for("auth.account"))
    row = revoke_token(current_user.id, token_id) if token_id < 2**31 else None
    if row is None:
        flash("No such token.", "error")
        return redirect(url_for("auth.account"))
    audit.record("api_token_revoked", current_user.id, f"token_id={token_id}")
    db.session.commit()
    flash(f"Token '{row.name}' revoked.", "success")
    return redirect(url_for("auth.account", _anchor="api-tokens"))


@bp.route("/account/delete", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"])
def delete_my_account():
    """Delete the account and every row of its data, after the password is entered again."""
    form = DeleteAccountForm(prefix="delete")
    if not form.validate_on_submit():
        return render_account(delete_form=form, status=400)
    if not check_password_hash(current_user.password_hash, form.password.data):
        form.password.errors.append("That is not your password.")
        return render_account(delete_form=form, status=400)
    if not hold_integrations(current_user.id):
        form.password.errors.append("A sync of your data is running right now; try again in a minute.")
        return render_account(delete_form=form, status=409)
    user_id = current_user.id
    logout_user()
    delete_account(user_id)
    session.clear()
    flash("Your account and all of its data were deleted.", "success")
    return redirect(url_for("auth.register"))
