package web

import "github.com/gin-gonic/gin"

func (h *Handler) search(c *gin.Context) { h.fail(c, errNotBuilt) }
