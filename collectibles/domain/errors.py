"""Errors raised by the collectibles package: one base class, a subclass per problem."""


class CollectiblesError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidMerkleTree(CollectiblesError):
    """A Merkle tree dump or its values do not hold together."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"invalid Merkle tree: {reason}")


class ValueNotInTree(CollectiblesError):
    """A proof was asked for a value that is not a leaf of the tree."""

    def __init__(self, value: object):
        self.value = value
        super().__init__(f"value {value!r} is not in the Merkle tree")


class InvalidRegistry(CollectiblesError):
    """The deployment registry file cannot be read."""

    def __init__(self, path: object, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"deployment registry {path}: {reason}")


class NoDeployment(CollectiblesError):
    """The registry records no ``contract`` on this chain (same chain id and genesis block)."""

    def __init__(self, contract: str, chain_id: int, genesis_hash: str, reset: bool = False):
        self.contract = contract
        self.chain_id = chain_id
        self.genesis_hash = genesis_hash
        self.reset = reset
        why = (
            " (the registry has records for an earlier chain with this id: it was restarted or reset)"
            if reset
            else ""
        )
        super().__init__(
            f"no {contract} deployed on chain {chain_id} with genesis {genesis_hash}{why}: "
            "run `ape run deploy` or pass --contract ADDRESS"
        )


class StaleDeployment(CollectiblesError):
    """The registry records an address on this chain, but no code is there any more."""

    def __init__(self, contract: str, address: str, chain_id: int):
        self.contract = contract
        self.address = address
        self.chain_id = chain_id
        super().__init__(
            f"{contract} recorded at {address} on chain {chain_id} has no code: "
            "the chain lost its state; deploy again (`ape run deploy --new`)"
        )


class InvalidCatalogue(CollectiblesError):
    """A series catalogue file or one of its entries is wrong."""

    def __init__(self, source: object, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"invalid series in {source}: {reason}")


class InvalidClaims(CollectiblesError):
    """A claims folder is missing, incomplete, or does not match the root on chain."""

    def __init__(self, folder: object, reason: str):
        self.folder = folder
        self.reason = reason
        super().__init__(f"claims folder {folder}: {reason}")


class MemberNotInClaims(CollectiblesError):
    """A claim was asked for an address that has no proof in the claims folder."""

    def __init__(self, member: str, folder: object):
        self.member = member
        self.folder = folder
        super().__init__(f"{member} is not in the claim tree in {folder}")


class InvalidMemberFile(CollectiblesError):
    """A member CSV has problems; ``problems`` lists every ``(row, problem)``, rows 1-based (header = 1)."""

    def __init__(self, path: object, problems: list[tuple[int, str]]):
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  row {row}: {problem}" for row, problem in self.problems)
        count = len(self.problems)
        super().__init__(
            f"{path}: {count} problem{'s' if count != 1 else ''}, nothing was sent\n{lines}"
        )


class JournalMismatch(CollectiblesError):
    """A rerun does not match the half-done airdrop its journal holds, so it is refused."""

    def __init__(self, journal: object, field: str, recorded: object, given: object):
        self.journal = journal
        self.field = field
        self.recorded = recorded
        self.given = given
        super().__init__(
            f"an unfinished airdrop in {journal} was started with {field} {recorded}, not {given}: "
            f"rerun it with the original input to finish it (or move the journal away to abandon it)"
        )


class JournalBusy(CollectiblesError):
    """Another process holds the journal: two runs of one airdrop must not overlap."""

    def __init__(self, journal: object):
        self.journal = journal
        super().__init__(f"another airdrop process is using {journal}; wait for it to finish")


class JournalUnreadable(CollectiblesError):
    """A journal file is not an SQLite database (another file, or a damaged one): it is not used."""

    def __init__(self, journal: object, reason: str):
        self.journal = journal
        self.reason = reason
        super().__init__(
            f"journal {journal} cannot be read ({reason}): it is not an airdrop journal, or it is damaged; "
            "point --journal at the right file, or move this one away and rerun (what reached the chain is "
            "found there again)"
        )


class JournalSchemaUnsupported(CollectiblesError):
    """A journal was written by a newer version of this program, with a schema this one cannot read."""

    def __init__(self, journal: object, version: int, supported: int):
        self.journal = journal
        self.version = version
        self.supported = supported
        super().__init__(
            f"journal {journal} has schema version {version}, newer than this program reads "
            f"({supported}): run the airdrop with the version of collectibles that wrote it"
        )


class MemberFileChanged(CollectiblesError):
    """The member file no longer has the bytes the airdrop was planned from, so its report is not written."""

    def __init__(self, path: object, planned: str, found: str):
        self.path = path
        self.planned = planned
        self.found = found
        super().__init__(
            f"member file {path} changed since the airdrop was planned (sha256 {planned[:16]}…, now "
            f"{found[:16]}…): restore the original file and rerun the same command to write the report"
        )


class WriteFailed(CollectiblesError):
    """A file the airdrop must write (journal, report) cannot be written: disk full, read-only folder…"""

    def __init__(self, what: str, path: object, reason: str):
        self.what = what
        self.path = path
        self.reason = reason
        super().__init__(
            f"cannot write the {what} {path}: {reason}; free space or make the folder writable, "
            "then rerun the same command (nothing unrecorded was sent)"
        )


class AirdropNotPossible(CollectiblesError):
    """The chain would refuse the airdrop (cap, closed series, missing role…), so it is not sent."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"the chain would refuse this airdrop, so it was not sent: {reason}")


class BatchPending(CollectiblesError):
    """An airdrop batch was sent but no receipt came in time; the journal lets a rerun pick it up."""

    def __init__(self, index: int, tx_hash: str, timeout: float):
        self.index = index
        self.tx_hash = tx_hash
        self.timeout = timeout
        super().__init__(
            f"batch {index} ({tx_hash}) has no receipt after {timeout:g}s; rerun the same command to resume"
        )


class BatchReverted(CollectiblesError):
    """An airdrop batch transaction was mined but reverted."""

    def __init__(self, index: int, tx_hash: str, reason: str | None = None):
        self.index = index
        self.tx_hash = tx_hash
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"batch {index} reverted in {tx_hash}{detail}; rerun to retry it")


class ExecutionMismatch(CollectiblesError):
    """The chain's execution of an airdrop batch is not the one planned (series, members, count, tokens)."""

    def __init__(self, index: int, tx_hash: str | None, what: str, planned: object, found: object):
        self.index = index
        self.tx_hash = tx_hash
        self.what = what
        self.planned = planned
        self.found = found
        where = f" in {tx_hash}" if tx_hash else ""
        super().__init__(
            f"batch {index}: its execution{where} differs from the plan: {what} is {found}, planned "
            f"{planned}; it was not recorded as delivered (check who else airdrops this campaign, then rerun)"
        )


class SupplyExceeded(CollectiblesError):
    """A mint asks for more tokens than a series has left."""

    def __init__(self, series_id: int, requested: int, remaining: int):
        self.series_id = series_id
        self.requested = requested
        self.remaining = remaining
        super().__init__(f"series {series_id} has {remaining} tokens left; {requested} requested")


class UnknownSeries(CollectiblesError):
    """No series has this id on the contract."""

    def __init__(self, series_id: int, series_count: int):
        self.series_id = series_id
        self.series_count = series_count
        super().__init__(
            f"series {series_id} does not exist (the contract has {series_count} series)"
        )


class MissingRole(CollectiblesError):
    """The signer lacks the contract role an action needs."""

    def __init__(self, account: str, role: str, action: str):
        self.account = account
        self.role = role
        self.action = action
        super().__init__(f"{account} cannot {action}: it lacks {role} (the admin grants it)")


class RoyaltyTooHigh(CollectiblesError):
    """A royalty above ``Collectible.MAX_ROYALTY_BPS`` was asked for."""

    def __init__(self, royalty_bps: int, max_bps: int):
        self.royalty_bps = royalty_bps
        self.max_bps = max_bps
        super().__init__(f"a royalty of {royalty_bps} basis points is above the cap of {max_bps}")


class NotAContract(CollectiblesError):
    """An address given as the Collectible (``--contract``) has no code on this chain."""

    def __init__(self, address: str, chain_id: int):
        self.address = address
        self.chain_id = chain_id
        super().__init__(
            f"{address} has no code on chain {chain_id}: check --contract and --network"
        )


class InvalidArtwork(CollectiblesError):
    """A series image cannot be read or drawn."""

    def __init__(self, source: object, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"artwork {source}: {reason}")


class InvalidMetadata(CollectiblesError):
    """A token's (or a collection's) metadata breaks the schema or our rules; nothing was published."""

    def __init__(self, subject: str, problem: str):
        self.subject = subject
        self.problem = problem
        super().__init__(f"invalid metadata for {subject}: {problem}; nothing was published")


class CidMismatch(CollectiblesError):
    """A publication backend reports a root CID other than the one we computed: publication failed."""

    def __init__(self, backend: str, expected: str, reported: str):
        self.backend = backend
        self.expected = expected
        self.reported = reported
        super().__init__(
            f"{backend} reports root {reported or '(none)'}, not our {expected}: the content it holds is "
            "not what the chain would point to, so publication failed"
        )


class PublicationFailed(CollectiblesError):
    """A publication backend refused the upload or could not be reached."""

    def __init__(self, backend: str, url: str, reason: str):
        self.backend = backend
        self.url = url
        self.reason = reason
        super().__init__(f"publishing to {backend} at {url} failed: {reason}")


class MissingSecret(CollectiblesError):
    """A backend needs a secret from the environment (``.env``) that is not set; its value is never shown."""

    def __init__(self, variable: str, backend: str):
        self.variable = variable
        self.backend = backend
        super().__init__(
            f"the {backend} backend needs {variable} (set it in .env, see .env.example)"
        )


class SeriesMetadataFrozen(CollectiblesError):
    """A reveal was asked for a series whose metadata is frozen on chain at another base URI."""

    def __init__(self, series_id: int, current: str, wanted: str):
        self.series_id = series_id
        self.current = current
        self.wanted = wanted
        super().__init__(
            f"series {series_id} is frozen at base URI {current!r}; it cannot move to {wanted!r}"
        )
