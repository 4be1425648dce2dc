"""The tamper-evident audit log: entries, Merkle tree, signed heads, proofs, verification.

Plain Python, no Django: the web layer stores entries and heads and calls these.
"""

from vigil.core.audit.entry import (
    GENESIS_PREV,
    Actor,
    AuditEntryError,
    Category,
    EntryRow,
    Event,
    ObjectKind,
    ObjectRef,
    canonical_bytes,
    format_at,
    new_entry,
)
from vigil.core.audit.merkle import (
    EMPTY_ROOT,
    ProofError,
    RangeRoot,
    TreeBuilder,
    consistency_path,
    inclusion_path,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from vigil.core.audit.proofs import ProofCheck, check_proof, consistency_proof, inclusion_proof
from vigil.core.audit.signing import (
    AuditKeyError,
    SignedTreeHead,
    key_id,
    load_or_create_key,
    load_public_key,
    public_key_pem,
    sign_head,
    signature_is_valid,
)
from vigil.core.audit.verify import Problem, ProblemKind, Verification, verify

__all__ = [
    "EMPTY_ROOT",
    "GENESIS_PREV",
    "Actor",
    "AuditEntryError",
    "AuditKeyError",
    "Category",
    "EntryRow",
    "Event",
    "ObjectKind",
    "ObjectRef",
    "Problem",
    "ProblemKind",
    "ProofCheck",
    "ProofError",
    "RangeRoot",
    "SignedTreeHead",
    "TreeBuilder",
    "Verification",
    "canonical_bytes",
    "check_proof",
    "consistency_path",
    "consistency_proof",
    "format_at",
    "inclusion_path",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "load_or_create_key",
    "load_public_key",
    "new_entry",
    "node_hash",
    "public_key_pem",
    "root_of",
    "sign_head",
    "signature_is_valid",
    "verify",
    "verify_consistency",
    "verify_inclusion",
]
