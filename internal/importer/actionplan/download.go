package actionplan

import (
	"bytes"
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

// The formats a plan downloads in, and the content type each is sent with.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

var contentTypes = map[string]string{
	FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	FormatCSV:  "text/csv; charset=utf-8",
}

// DownloadServices are what a download reads and where it records itself.
type DownloadServices interface {
	ExportServices
	Audit(ctx context.Context, action casereview.AuditAction, typ, id string, detail any) error
}

// File is a written action plan, ready to send.
type File struct {
	Name        string // action-plan-<reference>.<format>
	ContentType string
	Body        []byte
}

// Download loads a review's plan as the caller may read it, writes it in format ("xlsx" or
// "csv") and records the export in the audit trail. The JSON API and the web pages both send
// the plan through here, so they export the same thing and audit it the same way.
func Download(ctx context.Context, svc DownloadServices, reviewID, format string) (File, error) {
	ct, ok := contentTypes[format]
	if !ok {
		return File{}, casereview.Invalid("format", casereview.FieldUnknownValue, "%q is not one of: xlsx, csv", format)
	}
	e, err := LoadExport(ctx, svc, reviewID)
	if err != nil {
		return File{}, err
	}
	var buf bytes.Buffer
	if format == FormatXLSX {
		err = WriteXLSX(&buf, e)
	} else {
		err = WriteCSV(&buf, e)
	}
	if err != nil {
		return File{}, err
	}
	if err := svc.Audit(ctx, casereview.AuditExport, "review", e.Review.ID, map[string]any{"format": "action-plan." + format,
		"recommendations": len(e.Recommendations)}); err != nil {
		return File{}, err
	}
	return File{Name: "action-plan-" + safeName(e.Review.Reference) + "." + format, ContentType: ct, Body: buf.Bytes()}, nil
}

// safeName keeps letters, digits, dashes and dots of a reference for a file name.
func safeName(s string) string {
	out := []rune{}
	for _, r := range s {
		if r < 128 && (r == '-' || r == '.' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
			out = append(out, r)
		} else {
			out = append(out, '_')
		}
	}
	return string(out)
}
