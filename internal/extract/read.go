// Package extract draws proposed recommendations out of a report document: it reads the text of
// a PDF (through poppler's pdftotext when the machine has it), a DOCX, an ODT or a plain-text
// file page by page, finds the recommendations section(s), splits the numbered recommendations in
// whatever numbering style the report uses, and proposes for each its number, text, page,
// addressees (matched against the organisations and their aliases) and themes. It decides
// nothing: a person confirms every proposal before anything is created.
//
// It imports no database, web or search package; the caller hands it the organisations and a
// theme suggester.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format is a kind of document the package reads.
type Format string

const (
	PDF  Format = "pdf"
	DOCX Format = "docx"
	ODT  Format = "odt"
	Text Format = "txt"
)

// MaxBytes is the largest document read: a published review report with its appendices is a few
// megabytes; anything bigger is refused before it reaches a parser.
const MaxBytes = 25 << 20

var (
	// ErrUnsupported is returned for a document that is none of the formats read.
	ErrUnsupported = errors.New("extract: not a PDF, DOCX, ODT or plain-text document")
	// ErrNoText is returned when a document holds no text (a scanned PDF without a text layer).
	ErrNoText = errors.New("extract: the document has no text to read (a scanned PDF needs a text layer)")
	// ErrNoPDFReader is returned for a PDF when no PDF text extractor is installed.
	ErrNoPDFReader = errors.New("extract: no PDF text extractor is installed (poppler-utils' pdftotext)")
	// ErrTooLarge is returned for a document over MaxBytes.
	ErrTooLarge = fmt.Errorf("extract: the document is larger than %d MB", MaxBytes>>20)
)

// Document is a document's text, one string per page (a format without pages is one page, or is
// cut where the document marks a page break).
type Document struct {
	Format Format
	Pages  []string
	// Numbers, when set, is each page's number as the document printed it (a text export's
	// "<< Page 12 >>" markers); otherwise Pages[i] is page i+1.
	Numbers []int
}

// Detect tells a document's format from its first bytes, falling back on the file name's
// extension only to tell a plain-text file (which has no signature).
func Detect(name string, data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return zipFormat(data)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if (ext == ".txt" || ext == ".text" || ext == "") && utf8.Valid(data) && !bytes.ContainsRune(data, 0) {
		return Text, nil
	}
	return "", ErrUnsupported
}

// Read returns the text of a document, page by page.
func Read(name string, data []byte, pdf *PDFReader) (Document, error) {
	if len(data) > MaxBytes {
		return Document{}, ErrTooLarge
	}
	f, err := Detect(name, data)
	if err != nil {
		return Document{}, err
	}
	var pages []string
	var numbers []int
	switch f {
	case PDF:
		if pdf == nil || !pdf.Available() {
			return Document{}, ErrNoPDFReader
		}
		pages, err = pdf.Pages(data)
	case DOCX:
		pages, err = readDOCX(data)
	case ODT:
		pages, err = readODT(data)
	case Text:
		pages, numbers = splitTextPages(string(data))
	}
	if err != nil {
		return Document{}, err
	}
	if strings.TrimSpace(strings.Join(pages, "")) == "" {
		return Document{}, ErrNoText
	}
	return Document{Format: f, Pages: pages, Numbers: numbers}, nil
}

// pageMarker is a page break that a text export writes as a line of its own, like
// "<< Page 12 >>" or "--- Page 12 ---"; a form feed is the other.
var pageMarker = regexp.MustCompile(`(?m)^[ \t]*(?:<<|-{2,}|={2,})[ \t]*Page[ \t]+(\d+)[ \t]*(?:>>|-{2,}|={2,})[ \t]*$`)

// splitTextPages cuts a text file at its form feeds or page markers. A marker opens the page it
// names, so its number is kept.
func splitTextPages(s string) ([]string, []int) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	locs := pageMarker.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		return strings.Split(s, "\f"), nil
	}
	var pages []string
	var numbers []int
	if before := s[:locs[0][0]]; strings.TrimSpace(before) != "" {
		first, _ := strconv.Atoi(s[locs[0][2]:locs[0][3]])
		pages, numbers = append(pages, before), append(numbers, max(first-1, 1))
	}
	for i, m := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		n, _ := strconv.Atoi(s[m[2]:m[3]])
		pages, numbers = append(pages, s[m[1]:end]), append(numbers, n)
	}
	return pages, numbers
}
