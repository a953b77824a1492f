"""Publishing the contract: JSON Schema per message type, AsyncAPI, compatibility checks, docs.

Used by ``scripts/generate_contract.py`` and the contract tests; not needed at run time.
"""

CONTRACT_VERSION = "1.0.0"
"""Version of the published contract as a whole (AsyncAPI ``info.version``). Raise the minor
version when types or optional fields are added, the major version never: breaking changes are new
message types (``...v2``) beside the old ones."""
