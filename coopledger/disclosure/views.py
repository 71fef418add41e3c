"""Disclosure pages inside the app: the calendar with its computed states and the settings,
one disclosure with its generated contents and the workflow step each role may take, the
stored notices, and members' questions with the answers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, can
from coopledger.dates import today
from coopledger.disclosure import rules, services
from coopledger.disclosure.calendar import calendar
from coopledger.disclosure.forms import (
    AnswerForm,
    CorrectForm,
    DraftForm,
    ExplainForm,
    OpinionForm,
    PostForm,
    QuestionForm,
    ReviewForm,
    SettingsForm,
    SpecialForm,
)
from coopledger.disclosure.models import (
    Disclosure,
    DisclosureState,
    PostCategory,
    Question,
    SpecialTopic,
)
from coopledger.disclosure.notice import full_notice
from coopledger.disclosure.rules import DISCLOSURE_STEPS
from coopledger.disclosure.verification import notice_key
from coopledger.extensions import db
from coopledger.files import send_kept, store
from coopledger.files.scans import send_scan
from coopledger.forms import ConfirmForm, options, read_upload
from coopledger.ledger.report_words import english
from coopledger.members.queries import my_households
from coopledger.web import (
    apply_change,
    child_or_404,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation


bp = Blueprint("disclosure", __name__, url_prefix="/o/<code>/disclosures")



@bp.app_template_global("disclosure_title")
def disclosure_title(disclosure: Disclosure) -> str:
    """The title shown: in English titled afresh, in Chinese as stored (and frozen)."""
    return services.shown_title(disclosure) if english() else disclosure.title

@bp.route("/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The calendar: due, late and missing disclosures, computed from the dates."""
    org = org_for(code, Action.VIEW_DISCLOSURES)
    settings = services.settings_of(org)
    form = SettingsForm(obj=settings)
    form.frequency.choices = options((f.value, _(f.label)) for f in rules.Frequency)
    form.frequency.data = settings.frequency.value
    return render_template("disclosure/index.html", org=org, rows=calendar(org, today()),
                           form=form, special_form=_special_form(),
                           specials=services.specials_of(org),
                           draft_form=DraftForm(), settings=settings)


@bp.route("/settings", methods=["POST"])
@login_required
def save_settings(code: str) -> ResponseReturnValue:
    """Change the calendar."""
    org = org_for(code, Action.MANAGE_DISCLOSURES)
    form = SettingsForm()
    form.frequency.choices = options((f.value, f.value) for f in rules.Frequency)
    if form.validate_on_submit():
        apply_change(lambda: services.save_settings(
            org, frequency=rules.Frequency(form.frequency.data),
            deadline_day=form.deadline_day.data or 0, posting_days=form.posting_days.data or 0,
            itemise_from=form.itemise_from.amount(), show_names=bool(form.show_names.data),
            by=me()), _("公开设置已保存。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("disclosure.index", code=code))


@bp.route("/draft", methods=["POST"])
@login_required
def draft(code: str) -> ResponseReturnValue:
    """Generate a period's disclosure from the posted ledger."""
    org = org_for(code, Action.MANAGE_DISCLOSURES)
    form = DraftForm()
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.draft(org, (form.period.data or "").strip(),
                                                      by=me()),
                               lambda made: _("已生成：%(title)s。", title=made.title))
        if outcome.ok:
            return redirect(url_for("disclosure.show", code=code,
                                    disclosure_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return redirect(url_for("disclosure.index", code=code))


def _special_form() -> SpecialForm:
    form = SpecialForm(prefix="special")
    form.topic.choices = options((t.value, _(t.label)) for t in SpecialTopic)
    return form


@bp.route("/special", methods=["POST"])
@login_required
def draft_special(code: str) -> ResponseReturnValue:
    """Generate a special disclosure (专项公开) of a matter."""
    org = org_for(code, Action.MANAGE_DISCLOSURES)
    form = _special_form()
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.draft_special(
            org, SpecialTopic(form.topic.data), (form.period.data or "").strip(),
            title=form.title.data or "", by=me()),
            lambda made: _("已生成：%(title)s。", title=made.title))
        if outcome.ok:
            return redirect(url_for("disclosure.show", code=code,
                                    disclosure_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return redirect(url_for("disclosure.index", code=code))


def _post_form() -> PostForm:
    form = PostForm(prefix="post")
    form.category.choices = options((c.value, _(c.label)) for c in PostCategory)
    return form


@bp.route("/<int:disclosure_id>")
@login_required
def show(code: str, disclosure_id: int) -> ResponseReturnValue:
    """One disclosure: the generated contents and the step each role may take."""
    org, disclosure = _visible(code, disclosure_id)
    body = json.loads(disclosure.frozen)["contents"] if disclosure.frozen else \
        json.loads(disclosure.contents)
    lines, page, pages = rules.page_of(rules.listed_items(body),
                                       request.args.get("page", ""))
    own = {h.id: h.head_name for h in my_households(me().id)}
    return render_template(
        "disclosure/show.html", org=org, disclosure=disclosure, c=body, lines=lines, page=page,
        pages=pages, own_households=own,
        explain_form=ExplainForm(prefix="explain", explanation=disclosure.explanation),
        post_form=_post_form(), review_form=ReviewForm(prefix="review"),
        opinion_form=OpinionForm(prefix="opinion"), correct_form=CorrectForm(prefix="correct"),
        question_form=QuestionForm(prefix="question"), answer_form=AnswerForm(prefix="answer"),
        confirm=ConfirmForm(), committee=services.committee(org),
        versions=services.versions_of(org, disclosure.period_key, disclosure.topic),
        steps=services.steps_for(disclosure, me()))


def _visible(code: str, disclosure_id: int) -> tuple[Organisation, Disclosure]:
    """A disclosure the user may read: members see published versions only, the staff and
    the township every version."""
    org = org_for(code, Action.VIEW_DISCLOSURES)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    if disclosure.state is not DisclosureState.PUBLISHED and not can(me(), Action.VIEW_BOOKS,
                                                                      org):
        abort(404)
    return org, disclosure


def _back(code: str, disclosure: Disclosure) -> ResponseReturnValue:
    return redirect(url_for("disclosure.show", code=code, disclosure_id=disclosure.id))


@bp.route("/<int:disclosure_id>/explain", methods=["POST"])
@login_required
def explain(code: str, disclosure_id: int) -> ResponseReturnValue:
    """Save the accountant's explanations."""
    org = org_for(code, DISCLOSURE_STEPS["explain"].action)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    form = ExplainForm(prefix="explain")
    if form.validate_on_submit():
        apply_change(lambda: services.explain(disclosure, form.explanation.data or "", by=me()),
                     _("说明已保存。"))
    else:
        flash_form_errors(form)
    return _back(code, disclosure)


@bp.route("/<int:disclosure_id>/posts", methods=["POST"])
@login_required
def add_post(code: str, disclosure_id: int) -> ResponseReturnValue:
    """Add a 党务/村务 item with its attachment."""
    org = org_for(code, DISCLOSURE_STEPS["add_post"].action)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    form = _post_form()
    if form.validate_on_submit():
        upload = form.attachment.data
        attachment = (read_upload(upload), upload.filename or "attachment") \
            if upload is not None and bool(getattr(upload, "filename", None)) else None
        storage = store()
        apply_change(lambda: services.add_post(
            disclosure, category=PostCategory(form.category.data), title=form.title.data or "",
            body=form.body.data or "", attachment=attachment, storage=storage, by=me()),
            _("公开事项已加入。"))
    else:
        flash_form_errors(form)
    return _back(code, disclosure)


@bp.route("/<int:disclosure_id>/posts/<int:post_id>/attachment")
@login_required
def post_attachment(code: str, disclosure_id: int, post_id: int) -> ResponseReturnValue:
    """A post's attachment (of a draft: the staff and the township only)."""
    _org, disclosure = _visible(code, disclosure_id)
    post = next((p for p in disclosure.posts if p.id == post_id), None)
    if post is None:
        abort(404)
    return send_scan(post.attachment_sha256, mimetype=post.attachment_type,
                       name=post.attachment_name)


@bp.route("/<int:disclosure_id>/submit", methods=["POST"])
@login_required
def submit(code: str, disclosure_id: int) -> ResponseReturnValue:
    """Send the draft to the 民主理财小组."""
    org = org_for(code, DISCLOSURE_STEPS["submit"].action)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.submit(
            disclosure, by=me(), storage=store()),
            _("已提交民主理财小组审核。"))
    return _back(code, disclosure)


@bp.route("/<int:disclosure_id>/review", methods=["POST"])
@login_required
def review(code: str, disclosure_id: int) -> ResponseReturnValue:
    """A 民主理财小组 member's agreement or disagreement."""
    org = org_for(code, DISCLOSURE_STEPS["review"].action)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    form = ReviewForm(prefix="review")
    if form.validate_on_submit():
        apply_change(lambda: services.review(disclosure, agrees=bool(form.agrees.data),
                                             comment=form.comment.data or "", by=me()),
                     _("审核意见已记录。"))
    else:
        flash_form_errors(form)
    return _back(code, disclosure)


@bp.route("/<int:disclosure_id>/opinion", methods=["POST"])
@login_required
def opinion(code: str, disclosure_id: int) -> ResponseReturnValue:
    """The township's opinion."""
    org = org_for(code, DISCLOSURE_STEPS["township"].action)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    form = OpinionForm(prefix="opinion")
    if form.validate_on_submit():
        apply_change(lambda: services.township_review(
            disclosure, agrees=bool(form.agrees.data), opinion=form.opinion.data or "",
            by=me()), _("乡镇审核意见已记录。"))
    else:
        flash_form_errors(form)
    return _back(code, disclosure)


@bp.route("/<int:disclosure_id>/publish", methods=["POST"])
@login_required
def publish(code: str, disclosure_id: int) -> ResponseReturnValue:
    """Publish as a job (the notices are laid out in the background, with progress)."""
    from coopledger.disclosure.publish_job import PUBLISH_KIND
    from coopledger.jobs import services as jobs

    org = org_for(code, DISCLOSURE_STEPS["publish"].action)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    if not ConfirmForm().validate_on_submit():
        return _back(code, disclosure)
    if disclosure.state is not DisclosureState.TOWNSHIP or disclosure.township_at is None:
        flash(_("须经民主理财小组和乡镇审核同意后才能公开。"), "error")
        return _back(code, disclosure)
    job = jobs.start_job(PUBLISH_KIND, title=_("公开：%(title)s", title=disclosure.title),
                         params={"disclosure_id": disclosure.id, "user_id": me().id,
                                 "today": today().isoformat()}, by=me(),
                         requires=Action.MANAGE_DISCLOSURES, on=org)
    db.session.commit()
    jobs.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<int:disclosure_id>/correct", methods=["POST"])
@login_required
def correct(code: str, disclosure_id: int) -> ResponseReturnValue:
    """Start a corrected version of a publication."""
    org = org_for(code, DISCLOSURE_STEPS["correct"].action)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    form = CorrectForm(prefix="correct")
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.correct(disclosure, reason=form.reason.data or "",
                                                        by=me()),
                               lambda made: _("已生成第 %(v)d 版草稿。", v=made.version))
        if outcome.ok:
            return _back(code, outcome.value)
    else:
        flash_form_errors(form)
    return _back(code, disclosure)


@bp.route("/<int:disclosure_id>/notice.pdf")
@login_required
def notice_pdf(code: str, disclosure_id: int) -> ResponseReturnValue:
    """The stored notice of a publication (``?size=a3`` for the A3 layout)."""
    org = org_for(code, Action.VIEW_DISCLOSURES)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    return notice_response(disclosure)


def notice_response(disclosure: Disclosure) -> ResponseReturnValue:
    """A publication's stored notice, A4, ``?size=a3`` A3 or ``?size=full`` the full notice
    with every receipt and payment; 404 unless published."""
    if disclosure.state is not DisclosureState.PUBLISHED:
        abort(404)
    size = {"a3": "a3", "full": "full"}.get(request.args.get("size", ""), "a4")
    # a snapshot from before receipts and payments were grouped lists every line already
    if size == "full" and "cash_flow" in json.loads(disclosure.frozen or "{}").get("contents",
                                                                                  {}):
        key = full_notice(disclosure, store())
        db.session.commit()  # the database store keeps a first rendering in this request
    else:
        key = notice_key(disclosure, "a3" if size == "a3" else "a4")
    return send_kept(key, name=f"disclosure-{disclosure.organisation.code}-"
                              f"{disclosure.period_key}-v{disclosure.version}-{size}.pdf",
                     mimetype="application/pdf", inline=True)


@bp.route("/<int:disclosure_id>/questions", methods=["POST"])
@login_required
def ask(code: str, disclosure_id: int) -> ResponseReturnValue:
    """A member's question on a publication."""
    org = org_for(code, Action.VIEW_DISCLOSURES)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    form = QuestionForm(prefix="question")
    if form.validate_on_submit():
        apply_change(lambda: services.ask(disclosure, form.text.data or "", by=me()),
                     _("质询已提交，会计答复后会在这里显示。"))
    else:
        flash_form_errors(form)
    return _back(code, disclosure)


@bp.route("/<int:disclosure_id>/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(code: str, disclosure_id: int, question_id: int) -> ResponseReturnValue:
    """The accountant's answer."""
    org = org_for(code, Action.MANAGE_DISCLOSURES)
    disclosure = owned_or_404(Disclosure, disclosure_id, org)
    question = child_or_404(Question, question_id, disclosure, "disclosure_id")
    form = AnswerForm(prefix="answer")
    if form.validate_on_submit():
        apply_change(lambda: services.answer(question, form.text.data or "", by=me()),
                     _("答复已发布。"))
    else:
        flash_form_errors(form)
    return _back(code, disclosure)

