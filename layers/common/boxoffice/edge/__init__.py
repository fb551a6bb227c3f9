"""The authorizer's path: the standard library only.

The authorizer runs in front of every authenticated request, so what it costs
to start is what every first request of a new environment waits for. This
package verifies RS256 access tokens (rs256, tokens), signs and sends the two
AWS requests it needs (aws: KMS GetPublicKey, DynamoDB GetItem) and decides
(authorizer), importing neither botocore, PynamoDB, pydantic, PyJWT,
cryptography nor Powertools. Each small piece of protocol code here is tested
against the library that would otherwise do it (tests/unit/test_edge.py).
"""
