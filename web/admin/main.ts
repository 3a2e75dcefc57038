// The workspace's little JavaScript (no inline scripts: CSP script-src 'self'). Everything works
// without it except the live counter, the copy buttons and reading a definition from a file.
//   [data-live-src]  polls a JSON endpoint and updates [data-count] and [data-link-count]
//   [data-copy]      copies the value of the input it names
//   [data-fill]      a file input that reads a file into the textarea it names
//   [data-base64]    a file input that reads a file, as base64, into the hidden field it names
//                    (and the file's name into [data-name]): a spreadsheet in a urlencoded form
//   form[data-confirm] asks before submitting

interface LiveCounts {
  complete: number;
  partial: number;
  links: Record<string, { complete: number; partial: number }>;
}

function startLiveCounter(el: HTMLElement): void {
  const src = el.dataset.liveSrc;
  if (!src) return;
  const interval = Math.max(1000, Number(el.dataset.interval) || 3000);
  let timer: number | undefined;
  const set = (node: Element | null, value: number | undefined) => {
    if (node && value !== undefined && node.textContent !== String(value)) {
      node.textContent = String(value);
      node.classList.add('bf-bump');
      window.setTimeout(() => node.classList.remove('bf-bump'), 800);
    }
  };
  async function poll(): Promise<void> {
    try {
      const res = await fetch(src as string, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' }, redirect: 'manual' });
      if (!res.ok) {
        // Logged out or expired: stop polling and let the next navigation show the login page.
        if (res.status === 401 || res.type === 'opaqueredirect') {
          el.classList.add('bf-live--stopped');
          return;
        }
      } else {
        const counts = (await res.json()) as LiveCounts;
        set(el.querySelector('[data-count="complete"]'), counts.complete);
        set(el.querySelector('[data-count="partial"]'), counts.partial);
        for (const node of document.querySelectorAll<HTMLElement>('[data-link-count]')) {
          const [id, kind] = (node.dataset.linkCount ?? '').split('.');
          const link = counts.links[id] ?? { complete: 0, partial: 0 };
          set(node, kind === 'partial' ? link.partial : link.complete);
        }
      }
    } catch {
      // Offline for a moment: try again on the next tick.
    }
    timer = window.setTimeout(poll, document.hidden ? interval * 4 : interval);
  }
  timer = window.setTimeout(poll, interval);
  window.addEventListener('pagehide', () => window.clearTimeout(timer));
}

function setUpCopy(button: HTMLButtonElement): void {
  const input = document.getElementById(button.dataset.copy ?? '') as HTMLInputElement | null;
  if (!input) return;
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand('copy');
    }
    button.textContent = button.dataset.copied ?? label;
    window.setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
}

function setUpFileFill(input: HTMLInputElement): void {
  const target = document.getElementById(input.dataset.fill ?? '') as HTMLTextAreaElement | null;
  if (!target) return;
  input.hidden = false;
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (file) target.value = await file.text();
  });
}

function setUpBase64(input: HTMLInputElement): void {
  const data = document.getElementById(input.dataset.base64 ?? '') as HTMLInputElement | null;
  const name = document.getElementById(input.dataset.name ?? '') as HTMLInputElement | null;
  if (!data || !name) return;
  const form = input.form;
  let reading: Promise<void> = Promise.resolve();
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    data.value = '';
    name.value = file?.name ?? '';
    if (!file) return;
    reading = file.arrayBuffer().then((buf) => {
      const bytes = new Uint8Array(buf);
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      data.value = btoa(bin);
    });
  });
  // the file input itself is not sent (a urlencoded form would send only its name)
  form?.addEventListener('submit', (event) => {
    if (data.value || !input.files?.length) return;
    event.preventDefault();
    void reading.then(() => form.submit());
  });
}

function setUpConfirm(form: HTMLFormElement): void {
  form.addEventListener('submit', (event) => {
    if (!window.confirm(form.dataset.confirm ?? '')) event.preventDefault();
  });
}

function init(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-live-src]')) startLiveCounter(el);
  for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) setUpCopy(b);
  for (const i of document.querySelectorAll<HTMLInputElement>('input[data-fill]')) setUpFileFill(i);
  for (const i of document.querySelectorAll<HTMLInputElement>('input[data-base64]')) setUpBase64(i);
  for (const f of document.querySelectorAll<HTMLFormElement>('form[data-confirm]')) setUpConfirm(f);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
