"""The demo account: a simulated person's six months, shaped like each provider's API answers and
written through the real transforms and upsert (``flask --app app demo``)."""
