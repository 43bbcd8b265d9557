package api

import (
	"context"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
)

// The caller's notification centre and email choices (issue 18 §1), over the same service
// methods as the web's Notifications page and account page.

func (s *Server) ListNotifications(ctx context.Context, req ListNotificationsRequestObject) (ListNotificationsResponseObject, error) {
	limit := 50
	if l := req.Params.Limit; l != nil {
		if *l < 1 || *l > 200 {
			return nil, casereview.Invalid("limit", casereview.FieldInvalid, "limit must be between 1 and 200")
		}
		limit = *l
	}
	unreadOnly := req.Params.Unread != nil && *req.Params.Unread
	items, unread, err := s.svc.ListNotifications(ctxOf(ctx), unreadOnly, limit)
	if err != nil {
		return nil, err
	}
	out := ListNotifications200JSONResponse{Items: make([]Notification, len(items)), Unread: unread}
	for i, n := range items {
		x := Notification{Id: n.ID, Kind: NotificationKind(n.Kind), Summary: n.Summary, Link: n.Link, Email: Delivery(n.Email), CreatedAt: n.CreatedAt}
		if n.RecommendationID != "" {
			x.RecommendationId = nullable.NewNullableWithValue(n.RecommendationID)
		} else {
			x.RecommendationId = nullable.NewNullNullable[string]()
		}
		if n.ReadAt != nil {
			x.ReadAt = nullable.NewNullableWithValue(*n.ReadAt)
		} else {
			x.ReadAt = nullable.NewNullNullable[time.Time]()
		}
		out.Items[i] = x
	}
	return out, nil
}

func (s *Server) MarkNotificationsRead(ctx context.Context, req MarkNotificationsReadRequestObject) (MarkNotificationsReadResponseObject, error) {
	n, err := s.svc.MarkNotificationsRead(ctxOf(ctx), derefSlice(req.Body.Ids))
	if err != nil {
		return nil, err
	}
	return MarkNotificationsRead200JSONResponse{Read: n}, nil
}

func preferencesOut(ps []casereview.NotificationPreference) NotificationPreferences {
	out := NotificationPreferences{Preferences: make([]NotificationPreference, len(ps))}
	for i, p := range ps {
		out.Preferences[i] = NotificationPreference{Kind: string(p.Kind), Delivery: string(p.Delivery)}
	}
	return out
}

func (s *Server) GetNotificationPreferences(ctx context.Context, _ GetNotificationPreferencesRequestObject) (GetNotificationPreferencesResponseObject, error) {
	ps, err := s.svc.NotificationPreferences(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	return GetNotificationPreferences200JSONResponse(preferencesOut(ps)), nil
}

func (s *Server) SetNotificationPreferences(ctx context.Context, req SetNotificationPreferencesRequestObject) (SetNotificationPreferencesResponseObject, error) {
	in := make([]casereview.NotificationPreference, len(req.Body.Preferences))
	for i, p := range req.Body.Preferences {
		in[i] = casereview.NotificationPreference{Kind: casereview.NotificationKind(p.Kind), Delivery: casereview.Delivery(p.Delivery)}
	}
	ps, err := s.svc.SetNotificationPreferences(ctxOf(ctx), in)
	if err != nil {
		return nil, err
	}
	return SetNotificationPreferences200JSONResponse(preferencesOut(ps)), nil
}
