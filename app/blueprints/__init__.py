"""Blueprints: auth, home, integrations, api, and one dashboard per source."""
