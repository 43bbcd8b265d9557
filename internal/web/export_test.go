package web

// SetMaxSearchDownload changes the cap on a search download's rows, for a test; it returns the
// function that puts it back.
func SetMaxSearchDownload(n int) (restore func()) {
	old := maxSearchDownload
	maxSearchDownload = n
	return func() { maxSearchDownload = old }
}
