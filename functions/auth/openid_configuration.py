"""GET /.well-known/openid-configuration: the issuer and where its public keys are."""

from aws_lambda_powertools.event_handler.request import Request

from boxoffice import permissions
from boxoffice.auth.discovery import issuer_url, openid_configuration
from boxoffice.http import Router, http_event, lambda_handler_for

router = Router()


@router.get(
    "/.well-known/openid-configuration",
    needs=permissions.PUBLIC,
    summary="OpenID discovery document of the token issuer",
    tags=["auth"],
    cache_control="public, max-age=300",
)
def get_openid_configuration(request: Request) -> dict:
    return openid_configuration(issuer_url(http_event(request).request_context.domain_name))


lambda_handler = lambda_handler_for(router)
