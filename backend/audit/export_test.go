package audit

// Helpers for the external benchmarks (package audit_test), which build a
// long chain with plain INSERTs instead of a million Record calls.

// Genesis is the previous hash of the first event.
const Genesis = genesis

// ChainHash is the hash Record would store for an event with these columns
// after the event whose hash is prev.
func ChainHash(prev string, seq int64, id, at, actorID, action, targetType, targetID, orgID, workspaceID, details string) string {
	return stored{seq, id, at, actorID, action, targetType, targetID, orgID, workspaceID, details}.hash(prev)
}

// HeadMAC is the MAC of an unpruned head at seq and hash.
func (l *Log) HeadMAC(seq int64, hash string) string { return l.mac(seq, hash, 0) }
