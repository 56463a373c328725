"""Fitbit's connect routes: Google Health or the legacy Web API (see Source.connect_options)."""
from app.blueprints.fitbit import bp
from app.blueprints.oauth_routes import register_oauth_routes
from etl.data_sources.fitbit import SOURCE

register_oauth_routes(bp, SOURCE)
