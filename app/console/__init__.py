"""The organiser's console (``/manage``): server-rendered screens composing the domains' services.

One module per area; each calls the same services as the API's routers, and checks the same
:class:`~app.core.security.Principal`, built from the signed-in account instead of a token.
"""
