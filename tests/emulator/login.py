"""The Microsoft Entra endpoints that `az login --service-principal` calls through MSAL.

MSAL reads the tenant's OpenID configuration, then posts a client-credentials grant to its
token endpoint. Tokens are opaque random strings: MSAL does not decode an access token from the
client-credentials grant, and ARM here checks only that a bearer token is present (or, with
`requireIssuedToken`, that this server issued it).
"""

import secrets
from urllib.parse import parse_qs

from .responses import Response

TOKEN_LIFETIME_SECONDS = 3599


def openid_configuration(store, request, tenant):
    error = check_tenant(store, tenant)
    if error is not None:
        return error
    authority = f"{request.base_url}/{tenant}"
    return Response(200, {
        "issuer": f"{authority}/v2.0",
        "authorization_endpoint": f"{authority}/oauth2/v2.0/authorize",
        "token_endpoint": f"{authority}/oauth2/v2.0/token",
        "device_authorization_endpoint": f"{authority}/oauth2/v2.0/devicecode",
        "end_session_endpoint": f"{authority}/oauth2/v2.0/logout",
        "jwks_uri": f"{authority}/discovery/v2.0/keys",
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "tenant_region_scope": None,
    })


def issue_token(store, request, tenant):
    error = check_tenant(store, tenant)
    if error is not None:
        return error

    form = {key: values[0] for key, values in
            parse_qs(request.body.decode("utf-8", "replace")).items()}
    grant = form.get("grant_type")
    if grant != "client_credentials":
        return oauth_error(400, "unsupported_grant_type",
                           f"The emulator supports only the client_credentials grant, not '{grant}'.")

    principal = store.settings["servicePrincipal"]
    if form.get("client_id") != principal["clientId"]:
        return oauth_error(400, "unauthorized_client",
                           f"Application '{form.get('client_id')}' was not found in tenant "
                           f"'{tenant}'. Use the servicePrincipal.clientId of the scenario.")
    # The secret is compared, never logged or echoed.
    if not secrets.compare_digest(form.get("client_secret", ""), principal["secret"]):
        return oauth_error(401, "invalid_client",
                           f"The client secret for application '{principal['clientId']}' is "
                           "invalid. Use the servicePrincipal.secret of the scenario.")

    token = "emulator." + secrets.token_urlsafe(32)
    store.issued_tokens.add(token)
    return Response(200, {
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME_SECONDS,
        "ext_expires_in": TOKEN_LIFETIME_SECONDS,
        "access_token": token,
    })


def check_tenant(store, tenant):
    if tenant.lower() == store.tenant_id.lower():
        return None
    return oauth_error(400, "invalid_tenant",
                       f"Tenant '{tenant}' was not found. The emulator's tenant is "
                       f"'{store.tenant_id}'.")


def oauth_error(status, code, description):
    return Response(status, {"error": code, "error_description": description})
