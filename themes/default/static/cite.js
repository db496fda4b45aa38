/*
 * An article's "Cite this article": buttons that copy the citation or the RIS reference, and
 * a link that saves the reference as a .ris file, which a reference manager opens. The page
 * gives them hidden, with their words in its language; without script the texts are there to
 * select. The texts are read with textContent and handed on as text, never as markup.
 */
(function () {
  'use strict'

  var cite = document.getElementById('cite')
  if (!cite) return
  var status = cite.querySelector('.cite__status')

  function say (text) {
    status.textContent = '' // the same words again are still announced
    window.setTimeout(function () { status.textContent = text }, 50)
  }

  Array.prototype.forEach.call(cite.querySelectorAll('button[data-copy]'), function (button) {
    var source = cite.querySelector(button.dataset.copy)
    if (!source || !navigator.clipboard) return // an http:// page has no clipboard to write to
    button.hidden = false
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source.textContent).then(
        function () { say(button.dataset.done) },
        function () { say(button.dataset.failed) }
      )
    })
  })

  var download = cite.querySelector('a[download]')
  var reference = cite.querySelector('.cite__ris pre')
  if (download && reference && window.URL && window.Blob) {
    download.href = URL.createObjectURL(new Blob([reference.textContent], { type: 'application/x-research-info-systems' }))
    download.hidden = false
  }
})()
