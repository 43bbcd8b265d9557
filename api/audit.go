package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
)

func snapshotOut(s string) nullable.Nullable[map[string]any] {
	var m map[string]any
	if s == "" || json.Unmarshal([]byte(s), &m) != nil {
		return nullable.NewNullNullable[map[string]any]()
	}
	return nullable.NewNullableWithValue(m)
}

func auditOut(e casereview.AuditEvent) AuditEvent {
	ip := e.ClientIP
	return AuditEvent{Seq: e.Seq, OccurredAt: e.OccurredAt, ActorUserId: nullString(nonEmpty(e.ActorUserID)), ActorName: e.ActorName,
		ActorOrganisationId: nullString(nonEmpty(e.ActorOrganisationID)), Action: string(e.Action), EntityType: e.EntityType,
		EntityId: e.EntityID, Before: snapshotOut(e.Before), After: snapshotOut(e.After), RequestId: e.RequestID, ClientIp: &ip,
		PrevHash: e.PrevHash, Hash: e.Hash}
}

func (s *Server) ListAudit(ctx context.Context, req ListAuditRequestObject) (ListAuditResponseObject, error) {
	q := req.Params
	var before int64
	if q.Cursor != nil && *q.Cursor != "" {
		n, err := strconv.ParseInt(*q.Cursor, 10, 64)
		if err != nil || n < 1 {
			return nil, casereview.Invalid("cursor", casereview.FieldInvalid, "cursor is not one this server issued; start again without it")
		}
		before = n
	}
	limit := casereview.DefaultPageSize
	if q.Limit != nil {
		if *q.Limit < 1 || *q.Limit > casereview.MaxPageSize {
			return nil, casereview.Invalid("limit", casereview.FieldInvalid, "limit must be between 1 and %d", casereview.MaxPageSize)
		}
		limit = *q.Limit
	}
	// Ids are stored lower-case; accept them as any client spells them.
	f := casereview.AuditFilter{ActorUserID: strings.ToLower(deref(q.ActorUserId)), OrganisationID: strings.ToLower(deref(q.OrganisationId)), EntityType: deref(q.EntityType),
		EntityID: deref(q.EntityId), Action: deref(q.Action), From: q.From, To: q.To}
	var p casereview.Problems
	for _, c := range []struct{ field, v string }{{"actor_user_id", f.ActorUserID}, {"organisation_id", f.OrganisationID},
		{"entity_type", f.EntityType}, {"entity_id", f.EntityID}, {"action", f.Action}} {
		casereview.CheckText(&p, c.field, c.v, false, 200) // in parameter order: errors are reported in a stable order
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	res, err := s.svc.ListAudit(ctxOf(ctx), f, limit, before)
	if err != nil {
		return nil, err
	}
	out := ListAudit200JSONResponse{Items: make([]AuditEvent, len(res.Items)), Total: res.Total, NextCursor: nullable.NewNullNullable[string]()}
	for i, e := range res.Items {
		out.Items[i] = auditOut(e)
	}
	if res.Before > 0 {
		out.NextCursor = nullable.NewNullableWithValue(strconv.FormatInt(res.Before, 10))
	}
	return out, nil
}

func verificationOut(r casereview.ChainCheck) AuditVerification {
	last, key, anchored := r.LastSeq, r.KeyID, r.Anchored
	out := AuditVerification{Ok: r.OK, Checked: r.Checked, LastSeq: &last, KeyId: &key, Checkpoints: &anchored,
		BrokenAt: nullable.NewNullNullable[int64](), Problem: nullable.NewNullNullable[string](), KeyedFrom: nullable.NewNullNullable[int64]()}
	if !r.OK {
		out.BrokenAt = nullable.NewNullableWithValue(r.BrokenAt)
		out.Problem = nullable.NewNullableWithValue(r.Problem)
	}
	if r.KeyedFrom > 0 {
		out.KeyedFrom = nullable.NewNullableWithValue(r.KeyedFrom)
	}
	return out
}

func (s *Server) VerifyAudit(ctx context.Context, _ VerifyAuditRequestObject) (VerifyAuditResponseObject, error) {
	r, err := s.svc.VerifyAudit(ctxOf(ctx), nil)
	if err != nil {
		return nil, err
	}
	return VerifyAudit200JSONResponse(verificationOut(r)), nil
}

func (s *Server) VerifyAuditAgainstCheckpoints(ctx context.Context, req VerifyAuditAgainstCheckpointsRequestObject) (VerifyAuditAgainstCheckpointsResponseObject, error) {
	var cps []casereview.Checkpoint
	switch {
	case req.JSONBody != nil:
		for _, c := range req.JSONBody.Checkpoints {
			cps = append(cps, casereview.Checkpoint{Seq: c.Seq, Hash: c.Hash, KeyID: c.KeyId, At: c.At, Signer: c.Signer, Signature: c.Signature})
		}
	case req.Body != nil:
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		if cps, err = casereview.ParseCheckpoints(b); err != nil {
			return nil, err
		}
	}
	if len(cps) == 0 {
		return nil, &casereview.Error{Code: casereview.CodeInvalid, Message: "send at least one checkpoint",
			Fields: []casereview.FieldError{{Field: "checkpoints", Code: "required", Message: "send at least one checkpoint"}}}
	}
	r, err := s.svc.VerifyAudit(ctxOf(ctx), cps)
	if err != nil {
		return nil, err
	}
	return VerifyAuditAgainstCheckpoints200JSONResponse(verificationOut(r)), nil
}

func (s *Server) GetAuditCheckpoints(ctx context.Context, _ GetAuditCheckpointsRequestObject) (GetAuditCheckpointsResponseObject, error) {
	b, err := s.svc.AuditCheckpoints(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	return GetAuditCheckpoints200ApplicationxNdjsonResponse{Body: bytes.NewReader(b), ContentLength: int64(len(b))}, nil
}
