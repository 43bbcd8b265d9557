// While a panel writes a recommendation, shows the earlier recommendations closest to its words
// below the text box: the server renders them (GET /recommendations/earlier, the same page the
// "Check for earlier recommendations" button opens without JavaScript), and this script takes
// that page's #earlier-results part, at most once per pause in typing.
export function initEarlier () {
  const box = document.getElementById('earlier')
  const text = document.getElementById('text')
  if (!box || !text || !window.fetch || !window.DOMParser) return
  const live = document.getElementById('earlier-live')
  let timer = null
  let last = ''
  let controller = null
  const update = async () => {
    const words = text.value.trim()
    if (words === last || words.split(/\s+/).length < 3) return
    last = words
    if (controller) controller.abort()
    controller = new AbortController()
    try {
      const res = await fetch(box.dataset.earlierUrl + '?text=' + encodeURIComponent(words), { signal: controller.signal, credentials: 'same-origin' })
      if (!res.ok) return
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
      const part = doc.getElementById('earlier-results')
      if (part) live.replaceChildren(...Array.from(part.childNodes).map(n => document.importNode(n, true)))
    } catch (e) {
      // a newer request replaced this one, or the network failed: the button still works
    }
  }
  text.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(update, 600)
  })
  if (text.value.trim()) update()
}
