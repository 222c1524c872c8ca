"""Jinja2 templates, student stubs and fonts (data, not code): installed as `hw4_templates`."""
