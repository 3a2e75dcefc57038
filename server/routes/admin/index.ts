// The researcher's workspace under /admin: server-rendered pages with small progressive
// JavaScript (web/admin/main.ts), a session cookie instead of bearer tokens, and CSRF tokens on
// every form. Errors are pages here, not JSON.
//
//   login.ts    GET/POST /admin/login, POST /admin/logout
//   pages.ts    GET /admin (surveys), POST /admin/surveys (new survey), GET /admin/audit
//   survey.ts   GET /admin/surveys/:slug, …/counts.json (live counter), …/links/:id/qr.svg
//   actions.ts  links and share links: create, revoke; POST …/versions (upload)
//   profiles.ts GET/POST /admin/surveys/:slug/profiles (the survey's own audience profiles)
//   open-texts.ts GET /admin/surveys/:slug/texts, POST …/texts/:id (approve open texts for shared reports)
//   xlsform.ts  POST /admin/xlsform, …/surveys/:slug/xlsform (spreadsheet upload) → GET /admin/previews/:id → publish or discard
import formbody from '@fastify/formbody';
import type { FastifyError } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorPage } from '../../../web/admin/html/layout.ts';
import { TEXTS } from '../../../web/admin/html/texts.ts';
import actions from './actions.ts';
import { langOfRequest, sendHtml, viewOf } from './common.ts';
import login from './login.ts';
import pages from './pages.ts';
import panel from './panel.ts';
import openTexts from './open-texts.ts';
import profiles from './profiles.ts';
import survey from './survey.ts';
import xlsform from './xlsform.ts';

const workspace: FastifyPluginAsyncZod = async (app) => {
  await app.register(formbody, { bodyLimit: 2 * 1024 * 1024 });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const view = viewOf(app, request, reply);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const message = err.validation.map((v) => `${v.instancePath.replace(/^\//, '') || '(form)'}: ${v.message ?? ''}`).join('; ');
      return sendHtml(reply, errorPage(view, 400, message), 400);
    }
    const status = err.statusCode ?? 500;
    if (status < 500) return sendHtml(reply, errorPage(view, status, err.message), status);
    request.log.error({ err }, 'admin request failed');
    return sendHtml(reply, errorPage(view, 500, TEXTS[view.lang].error), 500);
  });
  app.setNotFoundHandler((request, reply) => sendHtml(reply, errorPage(viewOf(app, request, reply), 404, TEXTS[langOfRequest(request)].notFound), 404));

  await app.register(login);
  await app.register(pages);
  await app.register(survey);
  await app.register(actions);
  await app.register(profiles);
  await app.register(openTexts);
  await app.register(panel);
  await app.register(xlsform);
};
export default workspace;
