"""GitHub (REST API, personal access token): manifest and source.

Settings: ``repos`` ('' = every non-fork repository the user owns; otherwise a comma or
newline list of "owner/name" entries and fnmatch patterns such as "me/*-api", matched
case-insensitively against every repository the token can see) and ``author_email``
(only commits whose ``commit.author.email`` matches, case-insensitively).

Per-repository rows have dimension = the repository's full name, totals have ''.
``github.language_bytes`` is the exception: "owner/name:Language" per repository and
"Language" for the total. Snapshot metrics ("last") are recorded on the window's last day.
"""
from __future__ import annotations

from etl.data_sources.base import CredentialField, Manifest, Metric, RateLimit, Rows, SettingField, Source, SyncContext
from etl.data_sources.github.client import API_URL_SETTING, DEFAULT_API_URL, GitHubClient
from etl.data_sources.github.fetch import WindowFetch

REPO = "repository"
MANIFEST = Manifest(
    key="github",
    label="GitHub",
    auth_kind="api_key",
    blueprint="github",
    api_base_url_setting=API_URL_SETTING,
    api_base_url=DEFAULT_API_URL,
    credential_fields=(
        CredentialField("token", "Personal access token",
                        help="Fine-grained: Metadata read + Contents read; classic: repo"),
    ),
    setting_fields=(
        SettingField("repos", "Repositories", kind="textarea",
                     help="Empty = every repository you own (forks left out). Otherwise owner/name entries or "
                          "patterns like me/*-api, one per line or comma-separated"),
        SettingField("author_email", "Only commits by (e-mail, optional)", kind="email",
                     help="Count only commits whose author e-mail matches"),
    ),
    metrics=(
        Metric("github.commits", "Commits", "commits", "sum", REPO),
        Metric("github.additions", "Lines added", "lines", "sum", REPO),
        Metric("github.deletions", "Lines deleted", "lines", "sum", REPO),
        Metric("github.churn", "Lines changed (added + deleted)", "lines", "sum", REPO),
        Metric("github.active_days", "Active days (1 on a day with a commit)", "days", "sum", REPO),
        Metric("github.commit_span_days", "Days between first and last commit", "days", "last", REPO),
        Metric("github.code_bytes", "Code size (bytes, from GitHub's language stats)", "bytes", "last", REPO),
        Metric("github.language_bytes", "Code size per language (bytes, from GitHub's language stats)", "bytes",
               "last", "repository:language, or language for all repositories"),
        Metric("github.repo_size_kb", "Repository size", "KB", "last", REPO),
        Metric("github.stars", "Stars", "stars", "last", REPO),
        Metric("github.open_issues", "Open issues", "issues", "last", REPO),
        Metric("github.open_pull_requests", "Open pull requests", "pull requests", "last", REPO),
        Metric("github.repo_weekly_additions", "Lines added per week, all contributors (GitHub statistics)",
               "lines", "sum", REPO),
        Metric("github.repo_weekly_deletions", "Lines deleted per week, all contributors (GitHub statistics)",
               "lines", "sum", REPO),
    ),
    rate_limits=(RateLimit(5000, 3600, "user"),),
    default_lookback_days=30,
    setup_url="https://github.com/settings/personal-access-tokens",
    setup_help=(
        "Create a personal access token at github.com/settings/personal-access-tokens "
        "(fine-grained with 'Metadata: read' and 'Contents: read' on the repositories to track, "
        "or classic with the 'repo' scope) and paste it here."
    ),
)


class GithubSource(Source):
    """GitHub connector: commits and lines per day, repository snapshots, weekly statistics."""

    manifest = MANIFEST

    def fetch(self, ctx: SyncContext) -> Rows:
        """Everything in the window; on a rate limit, what is complete plus ``complete_through``."""
        return WindowFetch(ctx).run()

    def test_connection(self, ctx: SyncContext) -> str:
        """Ask GitHub who the token belongs to."""
        return f"Connected to GitHub as {GitHubClient(ctx).user()['login']}"

    def account_id(self, ctx: SyncContext) -> str | None:
        """The GitHub user's numeric id."""
        return str(GitHubClient(ctx).user()["id"])


SOURCE = GithubSource()
