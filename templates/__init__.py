"""The built-in templates (Jinja2), shipped as package data; hub and site templates override them."""
