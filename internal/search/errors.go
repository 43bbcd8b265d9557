package search

// QueryError is a query the index cannot run, with the field or term at fault. An Index
// returns it (wrapped or not) for a query that parses but asks for something the index does not
// hold; Finder reports it as a problem with the q parameter.
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }
