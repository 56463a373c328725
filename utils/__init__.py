"""Small shared helpers: encryption, logging, dates."""
