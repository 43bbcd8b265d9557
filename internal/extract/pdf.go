package extract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// PDFReader reads a PDF's text with poppler's pdftotext in layout mode, which keeps a numbered
// list's indentation (the finder uses it to tell a list from the prose after it) and marks each
// page with a form feed. No pure-Go extractor that resolves as a Go module read the test PDFs as
// well, and a PDF parser of our own is not worth its risk: without pdftotext, PDFs are refused
// with a message and the other formats still work.
type PDFReader struct {
	path    string
	version string
	timeout time.Duration
}

// FindPDFReader looks for pdftotext on PATH (or at the path given) once, at start.
func FindPDFReader(path string) *PDFReader {
	if path == "" {
		p, err := exec.LookPath("pdftotext")
		if err != nil {
			return &PDFReader{}
		}
		path = p
	}
	r := &PDFReader{path: path, timeout: 60 * time.Second}
	// pdftotext -v prints its version on stderr and exits 0 (older ones 99).
	out, _ := exec.Command(path, "-v").CombinedOutput()
	line, _, _ := strings.Cut(string(out), "\n")
	if !strings.Contains(strings.ToLower(line), "pdftotext") {
		return &PDFReader{}
	}
	r.version = strings.TrimSpace(line)
	return r
}

// Available says whether PDFs can be read.
func (r *PDFReader) Available() bool { return r != nil && r.path != "" }

// Describe is what /readyz reports: the extractor and its version, or that there is none.
func (r *PDFReader) Describe() string {
	if !r.Available() {
		return "none (PDF uploads are refused; install poppler-utils)"
	}
	return r.version
}

// Pages returns the PDF's text, one string per page.
func (r *PDFReader) Pages(data []byte) ([]string, error) {
	if !r.Available() {
		return nil, ErrNoPDFReader
	}
	// pdftotext reads a file (a pipe works only on some builds), so the upload goes through a
	// temporary file that is removed at once.
	f, err := os.CreateTemp("", "casereview-extract-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, fmt.Errorf("extract: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, r.path, "-layout", "-enc", "UTF-8", "-q", f.Name(), "-")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("extract: the PDF could not be read (%v): %s", err, strings.TrimSpace(stderr.String()))
	}
	pages := strings.Split(stdout.String(), "\f")
	// pdftotext ends the last page with a form feed too.
	if n := len(pages); n > 1 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages, nil
}
