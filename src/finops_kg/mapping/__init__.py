"""SSSOM mapping sets: read, check, apply and import them."""
