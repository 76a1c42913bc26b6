// Contribute: pick or drop JPEGs (or a whole folder); each file shows its progress, its result (accepted, already
// uploaded, no GPS position, refused with the server's message), a retry for failures, and its processing state
// until its thumbnail exists. The upload key is the file's SHA-256, so sending a file twice sends nothing new.
import { h, mount, thumbUrl, toast } from '../ui.js';
import { api, apiUrl, authHeaders, ApiError } from '../api.js';
import { session } from '../session.js';
import { signIn } from '../auth.js';

const PARALLEL = 2;

export class UploadPage {
  constructor() {
    this.element = h('div', { class: 'page upload-page' });
  }

  show() {
    if (!session.token) {
      mount(this.element, h('h1', {}, 'Contribute photos'),
        h('p', {}, 'Sign in to upload geotagged JPEG photos from your phone or camera.'),
        h('button', { type: 'button', onclick: () => signIn('/upload') }, 'Sign in'));
      return;
    }
    if (this.rows) return; // keeps the list of a running upload when coming back to the page
    const files = h('input', { type: 'file', id: 'upload-files', accept: 'image/jpeg', multiple: true });
    const folder = h('input', { type: 'file', id: 'upload-folder', webkitdirectory: true, multiple: true });
    this.rows = h('ul', { class: 'upload-list', 'aria-label': 'Files' });
    this.summary = h('p', { class: 'upload-summary', role: 'status' });
    const drop = h('div', { class: 'drop-zone', tabindex: '-1' },
      h('p', {}, 'Drop JPEG files or a folder here, or choose them:'),
      h('div', { class: 'row' },
        h('label', { class: 'button', for: 'upload-files' }, 'Choose photos'), files,
        h('label', { class: 'button secondary', for: 'upload-folder' }, 'Choose a folder'), folder));
    for (const input of [files, folder]) {
      input.classList.add('visually-hidden');
      input.addEventListener('change', () => this.add([...input.files]));
    }
    drop.addEventListener('dragover', event => { event.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', async event => {
      event.preventDefault();
      drop.classList.remove('over');
      this.add(await droppedFiles(event.dataTransfer));
    });
    mount(this.element, h('h1', {}, 'Contribute photos'),
      h('p', { class: 'muted' }, 'Photos need a GPS position and a capture time in their EXIF data. Faces and licence plates are blurred automatically where the server can detect them.'),
      drop, this.summary, this.rows);
    this.queue = [];
    this.running = 0;
  }

  add(files) {
    const jpegs = files.filter(f => /\.jpe?g$/i.test(f.name) || f.type === 'image/jpeg');
    const others = files.filter(f => !jpegs.includes(f));
    // Said, not dropped in silence: the server takes geotagged JPEGs only.
    if (others.length > 0)
      toast(`${others.length === 1 ? `${others[0].name} is not a JPEG photo and was` : `${others.length} files are not JPEG photos and were`} left out: only geotagged JPEGs can be uploaded.`, 'error');
    for (const file of jpegs) {
      const item = new UploadItem(file, () => this.pump(), () => this.updateSummary());
      this.rows.append(item.element);
      this.queue.push(item);
    }
    this.updateSummary();
    this.pump();
  }

  pump() {
    while (this.running < PARALLEL) {
      const item = this.queue.find(i => i.state === 'waiting');
      if (!item) break;
      this.running++;
      item.run().finally(() => { this.running--; this.updateSummary(); this.pump(); });
    }
  }

  updateSummary() {
    const count = state => this.queue.filter(i => i.state === state).length;
    this.summary.textContent = `${this.queue.length} files: ${count('done')} processed, ${count('accepted') + count('processing')} uploaded and processing, ` +
      `${count('duplicate')} already uploaded, ${count('failed')} failed, ${count('waiting') + count('sending')} to send.`;
  }
}

class UploadItem {
  constructor(file, retried, changed) {
    this.file = file;
    this.retried = retried;
    this.changed = changed;
    this.state = 'waiting';
    this.progress = h('progress', { max: 100, value: 0, 'aria-label': `Upload of ${file.name}` });
    this.result = h('span', { class: 'result' }, 'waiting');
    this.thumb = h('span', { class: 'upload-thumb' });
    this.retry = h('button', { type: 'button', class: 'secondary small', hidden: true, onclick: () => { this.state = 'waiting'; this.retry.hidden = true; this.retried(); } }, 'Retry');
    this.element = h('li', { class: 'upload-item', 'data-state': 'waiting' },
      this.thumb, h('span', { class: 'name' }, file.webkitRelativePath || file.name), this.progress, this.result, this.retry);
  }

  set(state, text) {
    this.state = state;
    this.element.dataset.state = state;
    this.result.textContent = text;
    this.changed();
  }

  async run() {
    try {
      this.set('sending', 'checking…');
      const key = this.uploadKey ??= await sha256(this.file);
      const known = await existing(key);
      if (known) {
        this.progress.value = 100;
        this.set('duplicate', 'already uploaded');
        this.imageKey = known.image_key;
        await this.watch(key);
        return;
      }
      this.set('sending', 'sending…');
      const answer = await send(this.file, key, fraction => { this.progress.value = Math.round(fraction * 100); });
      this.progress.value = 100;
      this.imageKey = answer.image_key;
      this.set('accepted', 'accepted, processing…');
      await this.watch(key);
    } catch (error) {
      this.progress.value = 0;
      this.set('failed', describe(error));
      this.retry.hidden = false;
    }
  }

  // Polls the upload's state until its thumbnails exist (or processing failed).
  async watch(key) {
    for (let attempt = 0; attempt < 600; attempt++) {
      const upload = await api(`/v2/me/uploads/images/${encodeURIComponent(key)}`);
      if (upload.state === 'done') {
        mount(this.thumb, h('img', { src: thumbUrl(upload.image_key, 320), alt: `Thumbnail of ${this.file.name}`, width: 64, height: 48 }));
        this.set('done', this.state === 'duplicate' ? 'already uploaded, processed' : 'processed');
        return;
      }
      if (upload.state === 'failed') throw new ApiError(400, 'failed', upload.failure ?? 'Processing failed.');
      if (this.state !== 'duplicate') this.set('processing', `processing (${upload.state})…`);
      await new Promise(resolve => setTimeout(resolve, attempt < 20 ? 500 : 2000));
    }
  }
}

function describe(error) {
  if (error instanceof ApiError && error.code === 'parameter_missing' && /\b(lat|lon)\b/.test(error.message))
    return `no GPS position: ${error.message}`;
  if (error instanceof ApiError) return `refused: ${error.message}`;
  return `failed: ${error.message}`;
}

async function existing(key) {
  try {
    return await api(`/v2/me/uploads/images/${encodeURIComponent(key)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

async function sha256(file) {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
}

// XMLHttpRequest rather than fetch: it reports upload progress.
function send(file, key, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', apiUrl(`/v2/me/uploads/images/${encodeURIComponent(key)}`));
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.setRequestHeader('content-type', 'image/jpeg');
    request.upload.addEventListener('progress', event => event.lengthComputable && onProgress(event.loaded / event.total));
    request.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { /* not JSON */ }
      if (request.status === 200) resolve(body);
      else reject(new ApiError(request.status, body?.code ?? 'error', body?.message ?? `The server answered ${request.status}.`));
    });
    request.addEventListener('error', () => reject(new Error('the connection to the server failed')));
    request.send(file);
  });
}

// Files of a drop, descending into dropped folders.
async function droppedFiles(transfer) {
  const entries = [...transfer.items].map(item => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.length) return [...transfer.files];
  const files = [];
  const walk = async entry => {
    if (entry.isFile) files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
    else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return files;
}
