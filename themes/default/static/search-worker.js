/*
 * Search worker: loads only the lunr index parts a query needs, merges them into one
 * lunr.Index, answers the query, counts facets and reads result metadata - all off the
 * main thread. Also loadable under node (module.exports) for the tests.
 *
 * Parts are term ranges of one lunr.py index; each is a valid serialized lunr index
 * whose field vectors hold only its own terms' entries. lunr.js scores a document field
 * by the dot product of the query vector with the field vector over the query's terms
 * only, so an index merged from the parts holding every query term gives the same
 * matches and scores as the whole index.
 */
/* global lunr, importScripts, self */
(function () {
  'use strict'

  // Index bytes (raw) one query may load: a one-letter prefix, a fuzzy ~ or a leading * needs
  // many parts or all. Measured on the fictional corpus (node, gzip -9): every part of 400
  // articles is 3.3 MB (0.8 MB gzip), parsed and merged in 0.25 s; of 1,000, 8.4 MB (2.0 MB)
  // in 0.6 s; of 10,000, 97 MB (22 MB) in 39 s and 1.8 GB. So up to about 2 MB to download.
  var MAX_BYTES = 10e6
  var GZIP_RATIO = 4 // raw bytes of a part over its gzip -9 bytes: 4.1-4.5 measured
  var PAGE = 10 // results per page: their metadata is most of a query's bytes after the index
  var CACHE = 4

  function SearchError (message) {
    this.name = 'SearchError'
    this.message = message
  }

  function decodeRefs (text) {
    var out = []
    if (!text) return out
    var gaps = text.split(',')
    var ref = -1
    for (var i = 0; i < gaps.length; i++) {
      ref += parseInt(gaps[i], 36)
      out.push(ref)
    }
    return out
  }

  /*
   * lunr reads `word:` as a field. Only the index's own fields are taken as fields (in any
   * case); any other colon is text: at the end of a word it is punctuation, dropped as
   * lunr's trimmer drops it from indexed words ("Wallace:"); inside a word it is escaped,
   * so the word is searched as indexed ("12:30", "https://..."). Returns the new text;
   * words that look like a mistyped field are added to `unknown`.
   */
  function escapeColons (text, fields, unknown) {
    return text.replace(/([^\s:+\\-]*)(\\?):/g, function (match, word, escaped, at, whole) {
      if (escaped || !word) return match
      var field = word.toLowerCase()
      if (fields.indexOf(field) >= 0) return field + ':'
      var next = whole.charAt(at + match.length)
      if (!next || /\s/.test(next)) return word
      if (/^\p{L}+$/u.test(word) && /^[\p{L}\p{N}]/u.test(next) && !/^https?$/i.test(word)) unknown.push(word)
      return word + '\\:'
    })
  }

  /*
   * The function wording the worker's messages: text(key, values, count) is the theme's
   * text of `key` (the search_js_ texts the page sends, translations/*.toml) with its
   * {placeholders} filled in, `count` picking the plural form by CLDR's rules for `lang`.
   * The page words its own the same way (search.js); both give plain text only.
   */
  function wording (texts, lang) {
    var plurals = Object.create(null) // language -> its Intl.PluralRules, or null for an unknown tag (every count is 'other')
    function pluralOf (forms, count) { // English rules for a text the catalog left in English ("_rules": "en")
      var tag = forms._rules || lang || 'en'
      if (!(tag in plurals)) {
        try { plurals[tag] = new Intl.PluralRules(tag) } catch (err) { plurals[tag] = null }
      }
      return plurals[tag] ? plurals[tag].select(count) : 'other'
    }
    var numbers = null // a number as the language writes it, as the pages do: "1.234" in German
    function numeral (n) {
      if (numbers === null) {
        try { numbers = new Intl.NumberFormat(lang || 'en', { maximumFractionDigits: 0 }) } catch (err) { numbers = { format: String } }
      }
      return numbers.format(n)
    }
    function text (key, values, count) {
      var t = texts && texts[key]
      if (t && typeof t === 'object') t = t[count === undefined ? 'other' : pluralOf(t, count)] || t.other
      if (typeof t !== 'string') return key // not in the theme's texts: a visible slip, not a failed search
      return t.replace(/\{(\w+)\}/g, function (whole, name) {
        var value = name === 'count' && count !== undefined ? count
          : values && Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole
        return typeof value === 'number' ? numeral(value) : String(value)
      })
    }
    text.lang = lang // for numbers written as the language writes them (decimal)
    return text
  }

  /* '"US", "said"', as the language quotes and lists words. */
  function quoted (text, words) {
    return words.map(function (w) { return text('search_js_quoted', { word: w }) }).join(text('search_js_separator'))
  }

  function explain (text, err, fields) {
    var msg = String(err && err.message || err)
    var m = /unrecognised field '([^']*)'/.exec(msg)
    if (m) return text('search_js_unknown_field', { field: m[1], fields: fields.join(text('search_js_separator')) })
    if (/expecting term/.test(msg)) return text('search_js_term_missing')
    if (/boost must be numeric/.test(msg)) return text('search_js_boost_number')
    if (/edit distance must be numeric/.test(msg)) return text('search_js_fuzzy_number')
    return text('search_js_not_understood', { reason: msg })
  }

  /*
   * "russia's" and "(shoigu’s)," as "russia" and "shoigu", "o’neill." as "o'neill", as the
   * index was made: its pipeline function "possessive" (sitegen/termcounts.py), the same
   * pattern with \w and \W as Python reads them, and ’ written as '. Registered by name,
   * as lunr.Index.load looks it up.
   */
  var POSSESSIVE = /^[^\p{L}\p{N}_]*(.+?)(?:['’]s)?[^\p{L}\p{N}_]*$/u

  function possessive (token) {
    return token.update(function (text) {
      var found = POSSESSIVE.exec(text)
      return found ? found[1].replace(/’/g, "'") : text
    })
  }

  /*
   * "l'union" and "qu’il" as "union" and "il": the index's "elision-<language>" (French,
   * Italian: sitegen/searchlanguage.py), made of the elided words the manifest lists.
   */
  function elision (words) {
    var elided = new RegExp('^(?:' + words.join('|') + ")['’](?=.)", 'i')
    return function (token) {
      return token.update(function (text) {
        var found = elided.exec(text)
        return found ? text.slice(found[0].length) : text
      })
    }
  }

  /* "Кёльн" as "Кельн", in either case: the manifest's letters written as the index writes them. */
  function respell (letters) {
    var both = {}
    Object.keys(letters).forEach(function (letter) {
      both[letter] = letters[letter]
      both[letter.toUpperCase()] = letters[letter].toUpperCase()
    })
    var either = new RegExp('[' + Object.keys(both).join('') + ']', 'g')
    return function (text) { return text.replace(either, function (letter) { return both[letter] }) }
  }

  /* The index's "letters-<language>" step (sitegen/searchlanguage.py). */
  function spelledAlike (letters) {
    var spell = respell(letters)
    return function (token) { return token.update(spell) }
  }

  function register () {
    lunr.Pipeline.registerFunction(possessive, 'possessive')
  }

  function Engine (manifest, load, text) {
    this.manifest = manifest
    this.load = load // name -> Promise of parsed JSON, resolved against the manifest
    this.text = text || wording({}) // what words the messages (see wording)
    this.firsts = manifest.parts.map(function (p) { return p[0] })
    this.parts = {} // part number -> Promise of serialized part
    this.chunks = {}
    this.indexes = [] // [key, lunr.Index], most recent last
    // The index's search pipeline, and the stop words its pipeline dropped: lunr's English,
    // or those of the language the manifest names (lunr-languages' scripts, loaded before).
    var names = manifest.pipeline || ['possessive', 'stemmer']
    var elide = manifest.elided && 'elision-' + manifest.language
    if (elide && !lunr.Pipeline.registeredFunctions[elide]) lunr.Pipeline.registerFunction(elision(manifest.elided), elide)
    // A query's words as the index spells them, before lunr reads it: wildcards and fuzzy
    // terms skip the pipeline ("Горбачё*" is looked up as "горбаче*").
    this.spell = manifest.letters ? respell(manifest.letters) : function (text) { return text }
    var alike = manifest.letters && 'letters-' + manifest.language
    if (alike && !lunr.Pipeline.registeredFunctions[alike]) lunr.Pipeline.registerFunction(spelledAlike(manifest.letters), alike)
    this.pipeline = lunr.Pipeline.load(names)
    // What the index's pipeline does to a word before its stop-word filter
    this.trim = lunr.Pipeline.load(names.filter(function (name) { return name === 'possessive' || name === elide }))
    this.stopWords = manifest.language ? lunr.Pipeline.registeredFunctions['stopWordFilter-' + manifest.language] : lunr.stopWordFilter
    if (!this.stopWords) throw new Error('no stop words for ' + manifest.language)
    this.facets = null
    this.maxBytes = MAX_BYTES
    this.partBytes = (manifest.indexBytes || 0) / manifest.parts.length // parts are cut to one size
  }

  /* "2.1" in English, "2,1" in German: one decimal, as the language writes it. */
  function decimal (n, lang) {
    try { return n.toLocaleString(lang || 'en', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) } catch (err) { return n.toFixed(1) }
  }

  /* About how much a page downloads for that many parts, as a reader reads it: "2.1 MB". */
  Engine.prototype.weight = function (parts) {
    var mb = parts * this.partBytes / GZIP_RATIO / 1e6
    return mb < 1 ? this.text('search_js_size_kb', { size: Math.max(1, Math.round(mb * 10)) * 100 })
      : this.text('search_js_size_mb', { size: decimal(mb, this.text.lang) })
  }

  Engine.prototype.affordable = function (parts) {
    return parts * this.partBytes <= this.maxBytes
  }

  /* Last part whose first term is <= term (JS string order, as the parts were cut). */
  Engine.prototype.partOf = function (term) {
    var lo = 0
    var hi = this.firsts.length - 1
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1
      if (this.firsts[mid] <= term) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /*
   * The query as lunr will run it, and what the reader should be told about it:
   * {text, query, notes: [sentence], notice: sentence or null}. The notice replaces
   * "No results" when every word searched for is a stop word: lunr's pipeline drops those
   * from the index (and the index keeps lunr's exact rankings), so they can never match.
   */
  Engine.prototype.read = function (raw) {
    var self = this
    var fields = this.manifest.fields
    var text = this.text
    var quotes = (raw.match(/"/g) || []).length
    if (quotes % 2) throw new SearchError(text('search_js_unbalanced_quote'))
    var unknown = []
    var escaped = escapeColons(this.spell(raw).replace(/"/g, ' '), fields, unknown).trim()
    var query = new lunr.Query(fields)
    var parser = new lunr.QueryParser(escaped, query)
    try {
      parser.parse()
    } catch (err) {
      throw new SearchError(explain(text, err, fields))
    }
    // lunr makes one clause per TERM lexeme, in order: the lexeme keeps the reader's case.
    var words = parser.lexemes.filter(function (l) { return l.type === lunr.QueryLexer.TERM })
    var common = []
    var required = [] // "+the": lunr requires a word the index never holds
    var wanted = 0
    var plain = words.length === query.clauses.length // a typo's retry is offered for plain words only
    var fuzzy = []
    var prefixes = []
    query.clauses.forEach(function (clause, i) {
      var prohibited = clause.presence === lunr.Query.presence.PROHIBITED
      var trimmed = self.trim.run([new lunr.Token(clause.term)])[0] // as the index: lunr.py's trimmer, then possessive, is possessive alone (lunr.js's trimmer would cut "ça" to "a")
      var dropped = clause.usePipeline && !clause.editDistance && !(trimmed && self.stopWords(trimmed))
      var word = words[i] ? words[i].str : clause.term
      if (dropped && clause.presence === lunr.Query.presence.REQUIRED) required.push(word)
      else if (dropped) common.push(word)
      if (!prohibited && !dropped) wanted += 1
      plain = plain && clause.presence === lunr.Query.presence.OPTIONAL && clause.usePipeline &&
        !clause.editDistance && clause.boost === 1 && clause.fields.length === fields.length
      var long = !dropped && word.length >= 4
      fuzzy.push(long ? word + '~1' : word)
      prefixes.push(long ? word.slice(0, Math.max(3, Math.ceil(word.length / 2))) + '*' : word)
    })
    var notes = []
    var notice = null
    common = common.concat(required)
    if (common.length && !wanted && !query.isNegated()) {
      notice = text('search_js_too_common_alone', { words: quoted(text, common) }, common.length)
    } else if (common.length) {
      var left = common.slice(0, common.length - required.length)
      if (left.length) notes.push(text('search_js_left_out', { words: quoted(text, left) }, left.length))
      if (required.length) notes.push(text('search_js_cannot_require', { words: quoted(text, required) }, required.length))
    }
    if (quotes) notes.push(text('search_js_quotes_ignored'))
    if (unknown.length) {
      notes.push(text('search_js_not_a_field', {
        words: quoted(text, unknown.map(function (w) { return w + ':' })), fields: fields.join(text('search_js_separator'))
      }, unknown.length))
    }
    var changed = plain && fuzzy.join(' ') !== words.map(function (w) { return w.str }).join(' ')
    return {
      text: escaped,
      query: query,
      notes: notes,
      notice: notice,
      retry: changed ? { fuzzy: fuzzy.join(' '), prefix: prefixes.join(' ') } : null
    }
  }

  /*
   * For a search of plain words that found nothing (a typo, say): the same words spelt up
   * to one letter differently, {text, weight} (the whole index to load) when that is
   * affordable, else each word's beginning, {text}. Null when neither applies.
   */
  Engine.prototype.retry = function (read) {
    if (!read.retry) return null
    var all = this.firsts.length
    if (this.affordable(all)) return { text: read.retry.fuzzy, weight: this.weight(all) }
    return read.retry.prefix !== read.retry.fuzzy.replace(/~1/g, '') ? { text: read.retry.prefix } : null
  }

  /* Numbers of the parts holding every index term the query can touch. */
  Engine.prototype.plan = function (query) {
    var need = {}
    var all = false
    for (var i = 0; i < query.clauses.length && !all; i++) {
      var clause = query.clauses[i]
      var terms = clause.usePipeline
        ? this.pipeline.runString(clause.term, { fields: clause.fields })
        : [clause.term]
      for (var j = 0; j < terms.length; j++) {
        var term = terms[j]
        if (clause.editDistance) { all = true; break }
        var star = term.indexOf('*')
        if (star === 0) { all = true; break }
        if (star > 0) {
          var prefix = term.slice(0, star)
          for (var p = this.partOf(prefix), end = this.partOf(prefix + '\uffff'); p <= end; p++) need[p] = true
        } else {
          need[this.partOf(term)] = true
        }
      }
    }
    var list = all
      ? this.firsts.map(function (_, n) { return n })
      : Object.keys(need).map(Number).sort(function (a, b) { return a - b })
    if (!this.affordable(list.length)) {
      throw new SearchError(this.text(all ? 'search_js_too_much_all' : 'search_js_too_much_prefix', { size: this.weight(list.length) }))
    }
    return list
  }

  Engine.prototype.part = function (n) {
    if (!this.parts[n]) {
      var self = this
      this.parts[n] = this.load('part-' + this.manifest.parts[n][1] + '.json')
        .catch(function (err) { delete self.parts[n]; throw err })
    }
    return this.parts[n]
  }

  /* One lunr.Index over the given parts; every field vector when the query is all "-". */
  Engine.prototype.index = function (numbers, everyVector) {
    var key = numbers.join(',') + (everyVector ? '!' : '')
    for (var i = 0; i < this.indexes.length; i++) {
      if (this.indexes[i][0] === key) return Promise.resolve(this.indexes[i][1])
    }
    var self = this
    return Promise.all(numbers.map(function (n) { return self.part(n) })).then(function (parts) {
      var idx = lunr.Index.load(merge(parts, everyVector ? self.manifest : null))
      self.indexes.push([key, idx])
      if (self.indexes.length > CACHE) self.indexes.shift()
      return idx
    })
  }

  function merge (parts, everyFrom) {
    if (parts.length === 1 && !everyFrom) return parts[0]
    var inverted = []
    var vectors = new Map()
    var unsorted = new Set()
    parts.forEach(function (part) {
      for (var i = 0; i < part.invertedIndex.length; i++) inverted.push(part.invertedIndex[i])
      for (var j = 0; j < part.fieldVectors.length; j++) {
        var ref = part.fieldVectors[j][0]
        var elements = part.fieldVectors[j][1]
        var have = vectors.get(ref)
        if (have) {
          vectors.set(ref, have.concat(elements))
          unsorted.add(ref)
        } else {
          vectors.set(ref, elements)
        }
      }
    })
    unsorted.forEach(function (ref) { vectors.set(ref, sortPairs(vectors.get(ref))) })
    var fieldVectors = []
    if (everyFrom) {
      // lunr lists every field of every document for an all-negated query, in this order.
      for (var d = 0; d < everyFrom.docs; d++) {
        for (var f = 0; f < everyFrom.fields.length; f++) {
          var fieldRef = everyFrom.fields[f] + '/' + d
          fieldVectors.push([fieldRef, vectors.get(fieldRef) || []])
        }
      }
    } else {
      vectors.forEach(function (elements, ref) { fieldVectors.push([ref, elements]) })
    }
    return {
      version: parts[0].version,
      fields: parts[0].fields,
      fieldVectors: fieldVectors,
      invertedIndex: inverted,
      pipeline: parts[0].pipeline
    }
  }

  function sortPairs (flat) {
    var pairs = []
    for (var i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]])
    pairs.sort(function (a, b) { return a[0] - b[0] })
    var out = []
    pairs.forEach(function (p) { out.push(p[0], p[1]) })
    return out
  }

  /* read() of the last text, parsed once for its query and again for its notes no more. */
  Engine.prototype.reading = function (text) {
    if (!this.lastRead || this.lastRead[0] !== text) this.lastRead = [text, this.read(text)]
    return this.lastRead[1]
  }

  /* lunr's results for the text, exactly as the whole index would rank them.
   * The last answer is kept: toggling a facet re-filters it without asking lunr again. */
  Engine.prototype.query = function (text) {
    var self = this
    if (this.last && this.last[0] === text) return this.last[1]
    var answer = new Promise(function (resolve) {
      var read = self.reading(text)
      resolve(self.index(self.plan(read.query), read.query.isNegated()).then(function (idx) {
        return idx.search(read.text)
      }))
    })
    this.last = [text, answer]
    answer.catch(function () { if (self.last && self.last[1] === answer) self.last = null })
    return answer
  }

  Engine.prototype.loadFacets = function () {
    if (!this.facets) {
      this.facets = this.load('facets-' + this.manifest.facets + '.json').then(function (raw) {
        var out = {}
        Object.keys(raw).forEach(function (facet) {
          out[facet] = raw[facet].map(function (pair) {
            return { name: pair[0], refs: decodeRefs(pair[1]) }
          })
        })
        return out
      })
    }
    return this.facets
  }

  Engine.prototype.record = function (ref) {
    var size = this.manifest.metaChunk
    var n = Math.floor(ref / size)
    if (!this.chunks[n]) {
      var self = this
      this.chunks[n] = this.load('meta-' + this.manifest.meta[n] + '.json')
        .catch(function (err) { delete self.chunks[n]; throw err })
    }
    return this.chunks[n].then(function (records) { return records[ref - n * size] })
  }

  /*
   * The whole search: text and selected facet values ({person: [..], ...}) ->
   * {total, hits: [{ref, terms}], facets: {name: [[value, count, selected]]}, notes, notice}
   * (notes and notice as in read()).
   * Without text, the facets alone select (newest first).
   */
  Engine.prototype.search = function (text, selected) {
    var self = this
    var hasText = /\S/.test(text)
    var found = hasText ? this.query(text) : Promise.resolve(null)
    return found.then(function (results) {
      if (results && !hasSelection(selected)) {
        // The first page is known already: fetch its records while the facets load.
        results.slice(0, PAGE).forEach(function (r) { self.record(Number(r.ref)).catch(function () {}) })
      }
      // No results, no filters: nothing to count, so the facets need not be fetched yet.
      if (results && !results.length && !hasSelection(selected)) return [results, {}]
      return self.loadFacets().then(function (facets) { return [results, facets] })
    }).then(function (both) {
      var results = both[0]
      var facets = both[1]
      var docs = self.manifest.docs
      var keep = new Uint8Array(docs)
      var hits
      if (results) {
        hits = results.map(function (r) {
          var meta = r.matchData.metadata
          var fields = {}
          Object.keys(meta).forEach(function (term) { Object.keys(meta[term]).forEach(function (f) { fields[f] = true }) })
          return { ref: Number(r.ref), terms: Object.keys(meta), fields: Object.keys(fields) }
        })
      } else {
        hits = []
        for (var d = 0; d < docs; d++) hits.push({ ref: d, terms: [], fields: [] })
        if (!hasSelection(selected)) hits = []
      }
      Object.keys(facets).forEach(function (facet) {
        (selected[facet] || []).forEach(function (name) {
          var value = facets[facet].find(function (v) { return v.name === name })
          var inValue = new Uint8Array(docs)
          if (value) value.refs.forEach(function (r) { inValue[r] = 1 })
          hits = hits.filter(function (h) { return inValue[h.ref] })
        })
      })
      hits.forEach(function (h) { keep[h.ref] = 1 })
      var counts = {}
      Object.keys(facets).forEach(function (facet) {
        var chosen = selected[facet] || []
        var rows = []
        facets[facet].forEach(function (value) {
          var c = 0
          for (var i = 0; i < value.refs.length; i++) c += keep[value.refs[i]]
          var isChosen = chosen.indexOf(value.name) >= 0
          if (c || isChosen) rows.push([value.name, c, isChosen])
        })
        // Most frequent first (ties in the facet's own order), years newest first as the facet
        // lists them: a chosen value keeps its place rather than jumping to the top. Every
        // value is sent: the page shows the first few, and the rest on request.
        if (facet !== 'year') rows.sort(function (a, b) { return b[1] - a[1] })
        counts[facet] = rows
      })
      var said = hasText ? self.reading(text) : { notes: [], notice: null }
      var retry = !hits.length && hasText && !said.notice && !hasSelection(selected) ? self.retry(said) : null
      return { total: hits.length, hits: hits, facets: counts, notes: said.notes, notice: said.notice, retry: retry }
    })
  }

  function hasSelection (selected) {
    return Object.keys(selected).some(function (k) { return selected[k].length })
  }

  /* Split text into [text, matched] runs, a word matching when its stem is a hit's term. */
  Engine.prototype.mark = function (text, terms) {
    var wanted = new Set(terms)
    var out = []
    var parts = String(text).split(/([\s\-]+)/)
    for (var i = 0; i < parts.length; i++) {
      var piece = parts[i]
      var word = piece.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
      var hit = word !== '' && (wanted.has(word) || this.pipeline.runString(word).some(function (term) { return wanted.has(term) }))
      var last = out[out.length - 1]
      if (last && last[1] === hit) last[0] += piece
      else if (piece) out.push([piece, hit])
    }
    return out
  }

  /* Result records for hits[from, from+PAGE), with highlighted title and snippet. */
  Engine.prototype.page = function (hits, from) {
    var self = this
    return Promise.all(hits.slice(from, from + PAGE).map(function (h) {
      return self.record(h.ref).then(function (r) {
        return {
          ref: h.ref,
          url: r[0],
          title: self.mark(r[1], h.terms),
          date: r[2],
          source: self.mark(r[3], h.terms),
          people: r[4].map(function (name) { return self.mark(name, h.terms) }),
          tags: r[5].map(function (name) { return self.mark(name, h.terms) }),
          snippet: self.mark(r[6], h.terms),
          day: r[7], // the date as the site's pages write it
          lang: r[8] || '', // the article's language, where it is not the site's
          found: h.fields // the fields the words were found in: the text, say, which the page does not show
        }
      })
    }))
  }

  var api = { Engine: Engine, SearchError: SearchError, decodeRefs: decodeRefs, elision: elision, merge: merge, spelledAlike: spelledAlike, possessive: possessive, wording: wording, PAGE: PAGE }

  if (typeof module !== 'undefined' && module.exports) {
    register() // the caller has loaded lunr
    module.exports = api
  } else if (typeof importScripts === 'function') {
    // The page names the manifest in this script's URL (#…): asked for now, it downloads while
    // importScripts waits for lunr.js, instead of after it (a round trip on a slow connection).
    var early = null
    if (self.location.hash.length > 1) {
      var named = new URL(decodeURIComponent(self.location.hash.slice(1)), self.location.href)
      early = { url: named.href, response: fetch(named) }
      early.response.catch(function () {}) // told when init asks for it, not as an unhandled rejection
    }
    importScripts('vendor/lunr.min.js')
    register()
    var engine = null
    var text = wording({})
    var last = null
    var latest = 0
    var fail = function (id, err) {
      var known = err instanceof SearchError
      self.postMessage({
        type: 'error',
        id: id,
        kind: known ? 'query' : 'load',
        message: known ? err.message : text('search_js_load_failed', { reason: err && err.message })
      })
    }
    self.onmessage = function (event) {
      var msg = event.data
      if (msg.type === 'init') {
        text = wording(msg.texts, msg.lang)
        var base = new URL(msg.manifest, self.location.href)
        var load = function (name) {
          var url = new URL(name, base)
          var asked = early && early.url === url.href ? early.response : fetch(url)
          early = null // a response's body is read once
          return asked.then(function (res) {
            if (!res.ok) throw new Error(res.status + ' ' + res.statusText + ' for ' + name)
            return res.json()
          })
        }
        engine = load(base.href).then(function (manifest) {
          // lunr-languages' stemmer and stop words for the index's language, from beside lunr.js
          importScripts.apply(null, (manifest.scripts || []).filter(function (name) {
            return /^lunr\.[a-z.]+\.min\.js$/.test(name)
          }).map(function (name) { return 'vendor/' + name }))
          return new Engine(manifest, load, text)
        })
        engine.catch(function (err) { fail(0, err) })
        return
      }
      if (!engine) return
      if (msg.type === 'search') latest = msg.id
      // A task later, every message that queued up behind a slow search has been seen:
      // of those searches only the newest runs.
      var ready = new Promise(function (resolve) { setTimeout(resolve, 0) })
      Promise.all([engine, ready]).then(function (both) {
        var eng = both[0]
        if (msg.type === 'search' && msg.id !== latest) return
        if (msg.type === 'search') {
          return eng.search(msg.text, msg.selected).then(function (res) {
            last = { id: msg.id, hits: res.hits }
            return eng.page(res.hits, 0).then(function (page) {
              self.postMessage({
                type: 'results', id: msg.id, total: res.total, from: 0, results: page, facets: res.facets,
                notes: res.notes, notice: res.notice, retry: res.retry
              })
            })
          })
        }
        if (msg.type === 'more' && last && last.id === msg.id) {
          return eng.page(last.hits, msg.from).then(function (page) {
            self.postMessage({ type: 'more', id: msg.id, from: msg.from, results: page })
          })
        }
      }).catch(function (err) { fail(msg.id, err) })
    }
  }
})()
