package web

import "github.com/gin-gonic/gin"

// Screens still to be built; each answers "not found" until it is.

func (h *Handler) work(c *gin.Context)   { h.render(c, 200, "work", h.page(c, "Your work", nil)) }
func (h *Handler) search(c *gin.Context) { h.fail(c, errNotBuilt) }
