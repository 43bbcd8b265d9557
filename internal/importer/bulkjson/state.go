package bulkjson

import (
	"bytes"
	"context"
	"encoding/json"
	"io"

	"github.com/casereview/casereview/internal/casereview"
)

// FormatV2 names the whole-state format: an instance's (or some partnerships') case data table
// by table, tracking included (see casereview.StateDump and docs/imports-and-exports.md).
const FormatV2 = "casereview-bulk/2"

// StateFile is a /2 document.
type StateFile struct {
	Format string `json:"format"`
	casereview.StateDump
}

// Document is a bulk JSON document of either format: exactly one of V1 and V2 is set.
type Document struct {
	V1 *File
	V2 *casereview.StateDump
}

// Read reads a document of either format, strictly: unknown fields are refused and named.
func Read(data []byte) (Document, error) {
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Document{}, &casereview.Error{Code: casereview.CodeMalformed, Message: "the bulk JSON cannot be read: " + err.Error()}
	}
	if head.Format != FormatV2 {
		f, err := Decode(data)
		if err != nil {
			if head.Format != FormatV1 {
				return Document{}, casereview.Invalid("format", casereview.FieldUnknownValue, "format must be %q or %q", FormatV1, FormatV2)
			}
			return Document{}, err
		}
		return Document{V1: &f}, nil
	}
	var f StateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return Document{}, &casereview.Error{Code: casereview.CodeMalformed, Message: "the bulk JSON cannot be read: " + err.Error()}
	}
	return Document{V2: &f.StateDump}, nil
}

// ImportDocument writes a document of either format: /1 as reviews and plans (ImportWith), /2
// as the whole state it carries (states.ImportState, internal/store/state; admins only).
func ImportDocument(ctx context.Context, svc Services, states casereview.StateService, d Document, o Options) (casereview.ImportResult, error) {
	if d.V2 != nil {
		return states.ImportState(ctx, *d.V2, casereview.StateImportOptions{DryRun: o.DryRun, Progress: o.Progress})
	}
	if d.V1 == nil {
		return casereview.ImportResult{}, &casereview.Error{Code: casereview.CodeMalformed, Message: "no document"}
	}
	return ImportWith(ctx, svc, *d.V1, o)
}

// ExportState writes the case data of the whole instance, or of the partnerships sc names, as
// a /2 document.
func ExportState(ctx context.Context, svc casereview.StateService, sc casereview.StateScope, w io.Writer) error {
	d, err := svc.ExportState(ctx, sc)
	if err != nil {
		return err
	}
	return WriteState(w, d)
}

// WriteState writes a dump as a /2 document.
func WriteState(w io.Writer, d casereview.StateDump) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(StateFile{Format: FormatV2, StateDump: d})
}
