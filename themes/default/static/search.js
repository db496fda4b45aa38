/*
 * The search page: sends the query and chosen facets to search-worker.js, renders what
 * comes back with DOM calls and textContent only (index data never becomes markup),
 * keeps query and facets in the URL, and handles the keyboard.
 */
(function () {
  'use strict'

  var app = document.getElementById('search-app')
  if (!app) return
  if (typeof Worker === 'undefined') {
    document.getElementById('search-nojs').hidden = false // its links: people, tags, outlets, archive
    return
  }

  // Every word the page says is the site's, in its language: the theme's texts whose keys
  // start with search_js_ (translations/*.toml), as JSON in the page.
  var TEXTS = JSON.parse(app.dataset.texts || '{}')
  var LANG = app.dataset.lang || 'en'
  var plurals = Object.create(null) // language -> its Intl.PluralRules, or null for an unknown tag (every count is 'other')

  /* The plural category of `count` for a text's forms: by the site's language's rules, or
   * English's for a text the catalog left in English ("_rules": "en"). */
  function pluralOf (forms, count) {
    var lang = forms._rules || LANG
    if (!(lang in plurals)) {
      try { plurals[lang] = new Intl.PluralRules(lang) } catch (err) { plurals[lang] = null }
    }
    return plurals[lang] ? plurals[lang].select(count) : 'other'
  }

  /* A count as the site's language writes it, as its pages do: "1,234", "1.234", "1 234". */
  var numbers = null
  function numeral (n) {
    if (numbers === null) {
      try { numbers = new Intl.NumberFormat(LANG, { maximumFractionDigits: 0 }) } catch (err) { numbers = { format: String } }
    }
    return numbers.format(n)
  }

  var LANG_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/ // as the article's front matter takes it
  var FACETS = ['person', 'tag', 'year', 'outlet'] // each named by its text search_js_facet_<name>
  var FACET_ROWS = 12 // values shown per facet until the reader asks for all
  var WHERE = ['title', 'summary', 'body', 'people', 'tags', 'source', 'notes'] // fields named by search_js_in_<field>
  var SLOW_MS = 300 // no answer by then: say "Searching…"
  var DEBOUNCE_MS = 30 // short: results within 100 ms of the keystroke once parts are loaded

  var form = document.getElementById('search-form')
  var input = document.getElementById('search-query')
  var status = document.getElementById('search-status')
  var list = document.getElementById('search-results')
  var facetBox = document.getElementById('search-facets')
  var jump = document.getElementById('search-jump') // on a phone: the way down to the filters
  var more = document.getElementById('search-more')
  var header = document.getElementById('site-search')
  var expanded = {} // facets the reader asked to see whole
  var lastFacets = {}

  var state = readUrl()
  var sent = { q: '', chosen: [] } // what the last query sent asked: its answer is labelled with it
  var lastId = 0
  var shown = 0
  var total = 0
  var timer = null
  var slow = null
  var broken = false // the worker could not start: its message stays
  var moreFrom = -1 // the first result "More results" asked for, until it is shown
  var notesShown = [] // the notes on the query, kept under the status as it changes
  // Back from a result: how many results were shown, where the page was and which result
  // was opened, from this history entry's state (see remember), restored once its results are back.
  var restore = window.history.state
  var opened = null // the data-n of the result last opened from this page
  if ('scrollRestoration' in window.history) window.history.scrollRestoration = 'manual' // the results come later

  // The manifest's address rides in the fragment (never sent): the worker asks for it before lunr.js is in.
  var worker = new Worker(app.getAttribute('data-worker') + '#' + encodeURIComponent(app.getAttribute('data-manifest')))
  worker.onerror = function (event) {
    event.preventDefault()
    broken = true
    clearTimeout(slow)
    app.removeAttribute('aria-busy')
    say(text('search_js_no_worker'), 'error')
    document.getElementById('search-nojs').hidden = false // its links: people, tags, outlets, archive
  }
  worker.onmessage = function (event) {
    var msg = event.data
    if (msg.id !== lastId && msg.id !== 0) return // an answer to an older query
    if (msg.type === 'results') showResults(msg)
    else if (msg.type === 'more') appendResults(msg.results, msg.from)
    else if (msg.type === 'error') showError(msg)
  }
  // The worker words its own messages (notes on the query, errors) with the same texts.
  worker.postMessage({ type: 'init', manifest: app.getAttribute('data-manifest'), texts: TEXTS, lang: LANG })

  /* The text of `key` as parts: its words, and between them the `values` its {placeholders}
   * name (strings, numbers or nodes; a number written as the language writes it). `count`,
   * if given, picks the plural form (by CLDR's rules for the language, as the site's pages
   * do) and is {count}. */
  function parts (key, values, count) {
    var t = TEXTS[key]
    if (t && typeof t === 'object') t = t[count === undefined ? 'other' : pluralOf(t, count)] || t.other
    if (typeof t !== 'string') return [key] // not in the theme's texts: a visible slip, not a broken page
    var named = {}
    Object.keys(values || {}).forEach(function (k) { named[k] = values[k] })
    if (count !== undefined) named.count = count
    return t.split(/\{(\w+)\}/).map(function (piece, i) {
      if (i % 2 === 0) return piece
      if (!Object.prototype.hasOwnProperty.call(named, piece)) return '{' + piece + '}'
      return typeof named[piece] === 'number' ? numeral(named[piece]) : named[piece]
    })
  }

  /* The text as a string, for textContent. */
  function text (key, values, count) {
    return parts(key, values, count).map(String).join('')
  }

  /* The text appended to `node`: its words as text nodes, a node value as itself. */
  function fill (node, key, values, count) {
    parts(key, values, count).forEach(function (part) {
      node.appendChild(part instanceof Node ? part : document.createTextNode(String(part)))
    })
    return node
  }

  /* "a, b and c", as the language lists things. */
  function listed (items) {
    if (items.length < 2) return items.join('')
    return text('search_js_list', { items: items.slice(0, -1).join(text('search_js_separator')), last: items[items.length - 1] })
  }

  function emptySelection () {
    var s = {}
    FACETS.forEach(function (f) { s[f] = [] })
    return s
  }

  function readUrl () {
    var params = new URLSearchParams(window.location.search)
    var selected = emptySelection()
    FACETS.forEach(function (f) { selected[f] = params.getAll(f) })
    return { q: params.get('q') || '', selected: selected }
  }

  function writeUrl (push) {
    var params = new URLSearchParams()
    if (state.q) params.set('q', state.q)
    FACETS.forEach(function (f) {
      state.selected[f].forEach(function (v) { params.append(f, v) })
    })
    var query = params.toString()
    var url = window.location.pathname + (query ? '?' + query : '')
    if (url === window.location.pathname + window.location.search) return
    window.history[push ? 'pushState' : 'replaceState'](null, '', url)
  }

  function hasSelection () {
    return FACETS.some(function (f) { return state.selected[f].length > 0 })
  }

  function run () {
    clearTimeout(timer)
    clearTimeout(slow)
    if (broken) return
    lastId += 1
    if (!/\S/.test(state.q) && !hasSelection()) {
      restore = null
      list.textContent = ''
      facetBox.textContent = ''
      facetBox.hidden = true
      jump.classList.remove('search-jump--shown')
      more.hidden = true
      say('')
      return
    }
    app.setAttribute('aria-busy', 'true')
    // Only a slow answer (the index still loading) says so: a fast one would only flicker.
    slow = setTimeout(function () { say(text('search_js_searching')) }, SLOW_MS)
    sent = { q: state.q, chosen: chosenValues() }
    if (window.performance && performance.mark) performance.mark('search-sent-' + lastId)
    worker.postMessage({ type: 'search', id: lastId, text: state.q, selected: state.selected })
  }

  /* The status line, and below it any notes on how the query was read. */
  function say (text, kind, notes) {
    status.textContent = text
    ;(notes || []).forEach(function (note) { status.appendChild(el('span', 'search-status__note', note)) })
    status.className = 'search-status' + (kind ? ' search-status--' + kind : '')
  }

  function chosenValues () {
    var chosen = []
    FACETS.forEach(function (f) { chosen = chosen.concat(state.selected[f]) })
    return chosen
  }

  /* The query the answer on screen is for ("for “treaty” filtered by Tag"); the input may already hold more. */
  function describe () {
    var values = { query: sent.q.trim(), filters: sent.chosen.join(text('search_js_separator')) }
    var q = /\S/.test(sent.q)
    return text(q && sent.chosen.length ? 'search_js_for_in' : q ? 'search_js_for' : 'search_js_in', values)
  }

  function showResults (msg) {
    clearTimeout(slow)
    app.removeAttribute('aria-busy')
    total = msg.total
    list.textContent = ''
    shown = 0
    opened = null
    appendResults(msg.results, 0)
    renderFacets(msg.facets)
    if (window.performance && performance.measure) {
      // Keystroke (after the debounce) to results on screen; read by bench/search_bench.py.
      performance.measure('search-results', 'search-sent-' + msg.id)
    }
    var notes = notesShown = msg.notes || []
    if (total === 0 && msg.notice) {
      say(msg.notice, 'empty', notes)
    } else if (total === 0) {
      say(text('search_js_no_results', { what: describe() }), 'empty', notes)
      if (msg.retry) offerRetry(msg.retry)
    } else {
      say(text('search_js_results', { what: describe() }, total), null, notes)
    }
  }

  /* Nothing found for plain words: a link to search them spelt differently (a typo), with
   * what it costs when that means loading the whole index; in the status, so it is read out. */
  function offerRetry (offer) {
    var params = new URLSearchParams()
    params.set('q', offer.text)
    var a = el('a', null, offer.text)
    a.href = window.location.pathname + '?' + params.toString()
    status.appendChild(fill(el('span', 'search-status__note search-retry'), offer.weight ? 'search_js_retry_fuzzy' : 'search_js_retry_prefix',
      { query: a, size: offer.weight }))
  }

  status.addEventListener('click', function (event) {
    if (!event.target || event.target.tagName !== 'A') return
    event.preventDefault()
    restore = null
    state.q = event.target.textContent
    input.value = state.q
    if (header) header.value = state.q
    writeUrl(true)
    run()
    input.focus()
  })

  function showError (msg) {
    restore = null
    clearTimeout(slow)
    app.removeAttribute('aria-busy')
    list.textContent = ''
    more.hidden = true
    facetBox.hidden = true
    jump.classList.remove('search-jump--shown')
    say(msg.message, 'error') // worded by the worker
  }

  function appendResults (results, from) {
    results.forEach(function (r, i) { list.appendChild(renderHit(r, from + i)) })
    shown = from + results.length
    if (from > 0 && from === moreFrom) {
      // "More results" was pressed: the reader continues at the first new result (focus
      // never drops to the page when the button hides after the last page).
      moreFrom = -1
      var first = list.querySelector('.search-hit__title a[data-n="' + from + '"]')
      if (first) first.focus()
      say(text('search_js_showing', { shown: shown, what: describe() }, total), null, notesShown) // read out: results were added
      remember()
    }
    more.hidden = shown >= total
    if (restore) restoring(from > 0)
  }

  /* This history entry keeps the results shown, the scroll position and the result
   * opened, for Back. */
  function remember () {
    window.history.replaceState({ shown: shown, y: window.scrollY, n: opened }, '', window.location.href)
  }

  /* Asks for the next page until as many results are shown as the remembered entry had,
   * then goes back to its place on the page. */
  function restoring (added) {
    if (restore.shown > shown && shown < total) {
      worker.postMessage({ type: 'more', id: lastId, from: shown })
      return
    }
    var y = restore.y
    opened = restore.n === undefined ? null : restore.n
    restore = null
    if (added) say(text('search_js_showing', { shown: shown, what: describe() }, total), null, notesShown)
    window.scrollTo(0, y || 0)
    // The reader goes on from the result they opened, not from the top of the page.
    var link = opened === null ? null : list.querySelector('.search-hit__title a[data-n="' + opened + '"]')
    if (link) link.focus({ preventScroll: true })
  }

  function marked (parent, runs) {
    runs.forEach(function (run) {
      if (run[1]) {
        var m = document.createElement('mark')
        m.textContent = run[0]
        parent.appendChild(m)
      } else {
        parent.appendChild(document.createTextNode(run[0]))
      }
    })
  }

  function el (tag, className, text) {
    var node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined) node.textContent = text
    return node
  }

  function renderHit (r, n) {
    var li = el('li', 'search-hit')
    var h = el('h2', 'search-hit__title')
    var a = el('a')
    // Only site paths: a record is data, never a javascript: or off-site link.
    if (/^\/(?!\/)/.test(r.url)) a.href = r.url
    a.setAttribute('data-n', String(n))
    marked(a, r.title)
    if (LANG_TAG.test(r.lang)) a.setAttribute('lang', r.lang) // an article in another language: its title is in it
    h.appendChild(a)
    li.appendChild(h)
    var meta = el('p', 'search-hit__meta')
    var time = el('time', null, r.day || r.date) // as the site's pages write it (the metadata's, sitegen/search.py)
    time.setAttribute('datetime', r.date)
    meta.appendChild(time)
    if (r.source.length) {
      var source = el('span', 'search-hit__source')
      marked(source, r.source)
      meta.appendChild(source)
    }
    if (r.people.length) meta.appendChild(names('search-hit__people', r.people))
    if (r.tags.length) meta.appendChild(names('search-hit__tags', r.tags))
    li.appendChild(meta)
    var snip = el('p', 'search-hit__snippet')
    marked(snip, r.snippet)
    if (LANG_TAG.test(r.lang)) snip.setAttribute('lang', r.lang) // and so is its summary
    li.appendChild(snip)
    var where = (r.found || []).filter(function (f) { return WHERE.indexOf(f) >= 0 })
    if (where.length && !li.querySelector('mark')) {
      // Nothing shown is marked (the words are in the body, say): the summary is not a match.
      var fields = listed(where.map(function (f) { return text('search_js_in_' + f) }))
      li.appendChild(el('p', 'search-hit__where', text('search_js_found_in', { fields: fields })))
    }
    return li
  }

  function names (className, list) {
    var span = el('span', className)
    list.forEach(function (runs, i) {
      if (i) span.appendChild(document.createTextNode(', '))
      marked(span, runs)
    })
    return span
  }

  /* Rebuilt on every answer: the checkbox or button that had focus gets it back, by facet
   * and value. A facet shows its first FACET_ROWS values (and any chosen) until expanded. */
  function renderFacets (facets) {
    lastFacets = facets
    var focused = document.activeElement
    var keep = focused && facetBox.contains(focused) && (focused.type === 'checkbox' || focused.hasAttribute('data-facet'))
      ? [focused.name || focused.getAttribute('data-facet'), focused.value] : null
    facetBox.textContent = ''
    var any = false
    FACETS.forEach(function (f) {
      var rows = facets[f] || []
      if (!rows.length) return
      any = true
      var set = el('fieldset', 'search-facet')
      set.appendChild(el('legend', null, text('search_js_facet_' + f)))
      var ul = el('ul')
      ul.id = 'search-facet-' + f
      rows.forEach(function (row, i) {
        if (i >= FACET_ROWS && !row[2] && !expanded[f]) return
        var li = el('li')
        var label = el('label')
        var box = el('input')
        box.type = 'checkbox'
        box.name = f
        box.value = row[0]
        box.checked = row[2]
        label.appendChild(box)
        label.appendChild(document.createTextNode(' ' + row[0] + ' '))
        label.appendChild(el('span', 'search-facet__count', text('search_js_facet_count', null, row[1])))
        li.appendChild(label)
        ul.appendChild(li)
      })
      set.appendChild(ul)
      if (rows.length > FACET_ROWS) {
        var toggle = el('button', 'search-facet__more', expanded[f] ? text('search_js_show_fewer') : text('search_js_show_all', null, rows.length))
        toggle.type = 'button'
        toggle.setAttribute('data-facet', f)
        toggle.setAttribute('aria-expanded', expanded[f] ? 'true' : 'false')
        toggle.setAttribute('aria-controls', ul.id)
        set.appendChild(toggle)
      }
      facetBox.appendChild(set)
    })
    if (hasSelection()) {
      var clear = el('button', 'search-facets__clear', text('search_js_clear_filters'))
      clear.type = 'button'
      clear.id = 'search-clear'
      facetBox.appendChild(clear)
      any = true
    }
    if (any) { // on a phone, below every result: the way back up, with how many there now are
      var back = el('a', null, text('search_js_to_results', null, total) + ' ')
      back.href = '#search-status'
      back.appendChild(el('span', null, '↑')).setAttribute('aria-hidden', 'true')
      facetBox.appendChild(el('p', 'search-facets__back')).appendChild(back)
    }
    facetBox.hidden = !any
    jump.classList.toggle('search-jump--shown', any)
    if (keep) {
      var again = Array.prototype.find.call(facetBox.querySelectorAll('input[type="checkbox"], [data-facet]'), function (node) {
        return node.type === 'checkbox' ? node.name === keep[0] && node.value === keep[1]
          : !keep[1] && node.getAttribute('data-facet') === keep[0]
      })
      ;(again || input).focus()
    }
  }

  facetBox.addEventListener('change', function (event) {
    var box = event.target
    if (!box || box.type !== 'checkbox') return
    var chosen = state.selected[box.name]
    if (!chosen) return
    var at = chosen.indexOf(box.value)
    if (box.checked && at < 0) chosen.push(box.value)
    if (!box.checked && at >= 0) chosen.splice(at, 1)
    restore = null
    writeUrl(true)
    run()
  })

  facetBox.addEventListener('click', function (event) {
    var facet = event.target && event.target.getAttribute('data-facet')
    if (facet) {
      expanded[facet] = !expanded[facet]
      renderFacets(lastFacets)
      return
    }
    if (event.target && event.target.id === 'search-clear') {
      restore = null
      state.selected = emptySelection()
      writeUrl(true)
      run()
      input.focus()
    }
  })

  list.addEventListener('click', function (event) {
    var a = event.target && event.target.closest && event.target.closest('a[data-n]')
    if (a) opened = a.getAttribute('data-n')
  })

  more.addEventListener('click', function () {
    moreFrom = shown
    worker.postMessage({ type: 'more', id: lastId, from: shown })
  })

  input.addEventListener('input', function () {
    restore = null
    state.q = input.value
    if (header) header.value = input.value
    writeUrl(false)
    clearTimeout(timer)
    timer = setTimeout(run, DEBOUNCE_MS)
  })

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    restore = null
    state.q = input.value
    writeUrl(true)
    run()
  })

  window.addEventListener('pagehide', function () { if (!restore) remember() }) // leaving, for a result, say
  window.addEventListener('popstate', function (event) {
    restore = event.state
    state = readUrl()
    input.value = state.q
    if (header) header.value = state.q
    run()
  })

  function links () {
    return Array.prototype.slice.call(list.querySelectorAll('.search-hit__title a'))
  }

  document.addEventListener('keydown', function (event) {
    var target = event.target
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault()
      input.focus()
      input.select()
      return
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    var all = links()
    if (target === input && event.key === 'ArrowDown' && all.length) {
      event.preventDefault()
      all[0].focus()
      return
    }
    var at = all.indexOf(target)
    if (at < 0) return
    event.preventDefault()
    if (event.key === 'ArrowDown' && at + 1 < all.length) all[at + 1].focus()
    else if (event.key === 'ArrowUp') (at > 0 ? all[at - 1] : input).focus()
  })

  input.value = state.q
  if (header) header.value = state.q
  run()
})()
