package search

// IndexState says what a process's search index is doing.
type IndexState string

const (
	// StateFilling: a new index is being filled from empty; searches answer from the database.
	StateFilling IndexState = "filling"
	// StateRebuilding: a new index is being built beside the one answering, to be swapped in.
	StateRebuilding IndexState = "rebuilding"
	// StateCatchingUp: the index follows the journal and has not yet reached its head since start.
	StateCatchingUp IndexState = "catching_up"
	// StateFollowing: the index follows the journal and has reached its head.
	StateFollowing IndexState = "following"
	// StateStalled: the latest attempt to apply the journal failed; it is retried.
	StateStalled IndexState = "stalled"
	// StateStopped: nothing follows the journal (a failed rebuild or swap); searches answer from
	// the database until an admin rebuilds the index.
	StateStopped IndexState = "stopped"
)

// Status is the state of a process's search index and how far it is behind the journal.
type Status struct {
	State   IndexState
	Applied int64 // the last journal sequence the index holds
	Head    int64 // the journal's last committed sequence
}

// Lag is how many journal rows the index has still to apply.
func (s Status) Lag() int64 { return max(0, s.Head-s.Applied) }

// Healthy reports whether the index is being kept in step with the journal (or rebuilt): a
// stalled or stopped index answers, if at all, with what it held when it stopped.
func (s Status) Healthy() bool { return s.State != StateStalled && s.State != StateStopped }
