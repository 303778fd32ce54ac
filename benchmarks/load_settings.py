"""Settings of benchmarks/load.py: production's, relaxed only where plain HTTP on loopback needs it."""

from config.settings.production import *  # noqa: F403

# The benchmark talks plain HTTP to 127.0.0.1; production redirects that to HTTPS.
SECURE_SSL_REDIRECT = False
# Production's URLs plus a bare view to compare against (benchmarks/load_urls.py).
ROOT_URLCONF = "benchmarks.load_urls"
