"""The project's ground floor: small helpers every app may import.

It imports no app. The floor above it (settings, urls, the Celery app,
management commands, navigation and the landing pages) wires the apps
together; apps never import that floor.
"""
