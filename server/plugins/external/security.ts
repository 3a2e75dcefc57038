// Security headers with a strict Content-Security-Policy: scripts only from this origin; fonts and
// images only from this origin (images also inline as data:/blob:), so no survey HTML can hand a
// respondent's IP address to a third party by loading a web font or a tracking pixel.
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // SurveyJS and Vega set element styles at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          // helmet's default would be 'self' https: data: — any https origin.
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      // Pages are served over plain HTTP on loopback in development; a proxy adds HSTS.
      hsts: false,
    });
  },
  { name: 'security' },
);
