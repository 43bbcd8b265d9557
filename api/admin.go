package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// SearchControl is what the API asks of this process's search index: its state for /readyz,
// and a rebuild beside the live index for admins.
type SearchControl interface {
	SearchStatus(ctx context.Context) (search.Status, error)
	RebuildSearch(ctx context.Context) (search.Status, error)
}

func statusOut(st search.Status) SearchIndexStatus {
	return SearchIndexStatus{State: SearchIndexStatusState(st.State), AppliedSeq: st.Applied, JournalHead: st.Head, Lag: st.Lag()}
}

// RebuildSearchIndex adapts POST /api/v1/admin/search/rebuild: the permission check, the audit
// event and the refusal while a rebuild runs are the search control's.
func (s *Server) RebuildSearchIndex(ctx context.Context, _ RebuildSearchIndexRequestObject) (RebuildSearchIndexResponseObject, error) {
	if s.searchCtl == nil {
		if a := casereview.ActorFrom(ctxOf(ctx)); !casereview.CanRebuildSearch(a) {
			return nil, casereview.Deny(a, "only admins rebuild the search index")
		}
		return nil, &casereview.Error{Code: casereview.CodeUnavailable, Message: "this server has no search index"}
	}
	st, err := s.searchCtl.RebuildSearch(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	return RebuildSearchIndex202JSONResponse(statusOut(st)), nil
}
