"""Credential offers (OpenID4VCI 1.0 §4.1) through the issuer backchannel (DESIGN §5).

`POST /offers` (bearer-protected like the VC API when the issuer has a token), body:
    {"credential_configuration_id": "<id>"          # or "credential_configuration_ids": [...]
     "claims": {...},  # credentialSubject claims (W3C formats) / top-level SD-JWT VC claims (see formats.py)
     "tx_code": "493536" | null,                      # set by the caller, who therefore knows it
     "by_reference": false}
answers 201 `{"offer": "openid-credential-offer://?credential_offer=...", "offer_id": "..."}`;
with `by_reference` the offer URI carries `credential_offer_uri` = `<issuer>/offers/<id>`, which
`GET` serves (application/json) exactly once. The tx_code is never echoed: the offer only
says that one is required (`tx_code: {input_mode, length, description}`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ...credentials.sdjwt import NEVER_DISCLOSABLE
from ..problems import BadRequest, bearer_ok, problem, problem_from, read_json_object, unauthorized
from .metadata import PRE_AUTHORIZED_GRANT, configurations
from .service import Service
from .state import Offer

OFFER_SCHEME = "openid-credential-offer://"
REGISTERED_CLAIMS = NEVER_DISCLOSABLE | {"iat", "jti", "_sd", "_sd_alg"}


def _configuration_ids(body: dict[str, Any], known: set[str]) -> tuple[str, ...]:
    if "credential_configuration_ids" in body and "credential_configuration_id" in body:
        raise BadRequest("malformed-offer-request", "Malformed offer request",
                         "give either `credential_configuration_id` or `credential_configuration_ids`, not both")
    ids = body.get("credential_configuration_ids")
    if ids is None and "credential_configuration_id" in body:
        ids = [body["credential_configuration_id"]]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        raise BadRequest("malformed-offer-request", "Malformed offer request",
                         "give `credential_configuration_id` (a string) or unique `credential_configuration_ids`")
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise BadRequest("unknown-configuration", "Unknown credential configuration",
                         f"{', '.join(unknown)} not in credential_configurations_supported ({', '.join(sorted(known))})")
    return tuple(ids)


def _claims_layout(config: dict[str, Any]) -> Any:
    return ("dc+sd-jwt", config.get("vct")) if config.get("format") == "dc+sd-jwt" else "credentialSubject"


def _validated(body: dict[str, Any], known: dict[str, dict[str, Any]]) -> tuple[tuple[str, ...], dict, str | None, bool]:
    ids = _configuration_ids(body, set(known))
    claims, tx_code, by_reference = body.get("claims", {}), body.get("tx_code"), body.get("by_reference", False)
    if not isinstance(claims, dict):
        raise BadRequest("malformed-offer-request", "Malformed offer request", "`claims` must be a JSON object")
    # One `claims` for every configuration of the offer: they must give it one meaning.
    if claims and len({_claims_layout(known[i]) for i in ids}) > 1:
        raise BadRequest("malformed-offer-request", "Malformed offer request",
                         "`claims` mean credentialSubject claims for W3C formats and top-level claims for each SD-JWT VC "
                         "type: offer configurations of one kind together")
    # An SD-JWT VC's registered claims are the issuer's to set (SD-JWT VC, "Registered JWT Claims"), never the offer's.
    registered = sorted(REGISTERED_CLAIMS & set(claims)) if any(known[i].get("format") == "dc+sd-jwt" for i in ids) else []
    if registered:
        raise BadRequest("malformed-offer-request", "Malformed offer request",
                         f"`claims` must not set the SD-JWT VC's registered claims ({', '.join(registered)})")
    if tx_code is not None and (not isinstance(tx_code, str) or not tx_code):
        raise BadRequest("malformed-offer-request", "Malformed offer request", "`tx_code` must be a non-empty string")
    if not isinstance(by_reference, bool):
        raise BadRequest("malformed-offer-request", "Malformed offer request", "`by_reference` must be a boolean")
    return ids, claims, tx_code, by_reference


def offer_object(svc: Service, offer: Offer) -> dict[str, Any]:
    """The Credential Offer object (§4.1.1) with a pre-authorized code grant."""
    grant: dict[str, Any] = {"pre-authorized_code": offer.pre_authorized_code}
    if offer.tx_code is not None:
        grant["tx_code"] = {"input_mode": "numeric" if offer.tx_code.isdigit() else "text",
                            "length": len(offer.tx_code),
                            "description": "The code given to you with this offer"}
    issuer = svc.url + "/" if svc.has("issuer.oid4vci-offer-wrong-issuer") else svc.url
    return {"credential_issuer": issuer, "credential_configuration_ids": list(offer.configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant}}


def offer_uri(svc: Service, offer: Offer) -> str:
    if offer.by_reference:
        return OFFER_SCHEME + "?" + urlencode({"credential_offer_uri": f"{svc.url}/offers/{offer.id}"})
    encoded = json.dumps(offer_object(svc, offer), separators=(",", ":"), ensure_ascii=False)
    return OFFER_SCHEME + "?" + urlencode({"credential_offer": encoded})


def routes(svc: Service) -> list[Route]:
    async def create(request: Request) -> Response:
        if not ("issuer.ignore-auth" in svc.issuer.faults or bearer_ok(request, svc.issuer.token)):
            return unauthorized()
        try:
            body = await read_json_object(request)
            ids, claims, tx_code, by_reference = _validated(body, configurations(svc.issuer.faults))
        except BadRequest as exc:
            return problem_from(exc)
        offer = svc.state.new_offer(ids, claims, tx_code, by_reference)
        return JSONResponse({"offer": offer_uri(svc, offer), "offer_id": offer.id}, status_code=201)

    async def fetch(request: Request) -> Response:
        offer = svc.state.offer_by_id(request.path_params["offer_id"])
        if offer is None or not offer.by_reference or offer.served:
            return problem(404, "not-found", "No such offer", "unknown offer, or already fetched")
        offer.served = True  # one fetch per offer: the URI is as sensitive as the code it reveals
        if svc.has("issuer.oid4vci-offer-uri-text-plain"):
            return PlainTextResponse(json.dumps(offer_object(svc, offer)), headers={"Cache-Control": "no-store"})
        # §4.1.3: the offer object is served as application/json.
        return JSONResponse(offer_object(svc, offer), headers={"Cache-Control": "no-store"})

    return [Route("/offers", create, methods=["POST"]), Route("/offers/{offer_id}", fetch, methods=["GET"])]
