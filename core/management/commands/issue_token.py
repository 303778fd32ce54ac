from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from core.choices import TokenKind
from core.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token (or a calendar feed key) for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="The token cannot write, whatever the user may.")
        parser.add_argument("--expires-in", type=int, metavar="DAYS", help="Days until the token expires.")
        parser.add_argument("--name", default="", help="What the token is for (e.g. 'partner dashboard').")
        parser.add_argument(
            "--feed",
            action="store_true",
            help="A calendar feed key: read-only, opens the deadlines.ics feed only, given in its URL.",
        )

    def handle(self, *args, username, read_only, expires_in, name, feed, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username: no user '{username}'.")
        if not user.is_active:
            raise CommandError(f"username: user '{username}' is inactive.")
        if expires_in is not None and not 1 <= expires_in <= 3650:
            raise CommandError("--expires-in: give a number of days from 1 to 3650.")
        kind = TokenKind.FEED if feed else TokenKind.API
        token, key = ApiToken.issue(user=user, read_only=read_only, expires_in_days=expires_in, name=name, kind=kind)
        expiry = f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "does not expire"
        self.stdout.write(key)
        if feed:
            feed = f"{settings.SITE_URL}{reverse('api:deadlines-ics')}?token=<key>"
            self.stderr.write(
                f"Calendar feed key {token.prefix}… for {username}, {expiry}. It is not shown again. "
                f"Subscribe to {feed} (filters such as &party=AZE may follow)."
            )
            return
        access = "read-only" if token.read_only else "read-write (as the user's role allows)"
        self.stderr.write(f"Token {token.prefix}… for {username}: {access}, {expiry}. It is not shown again.")
