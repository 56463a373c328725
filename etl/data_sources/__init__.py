"""Source connectors. Each subpackage exposes ``SOURCE``; ``registry`` lists them."""
