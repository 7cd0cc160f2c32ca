/**
 * A trimmed Swagger 2.0 description of the Petstore v2 API, served by the fake at
 * `https://petstore.swagger.io/v2/swagger.json` for the kit's `call: openapi` scenarios. It names the same
 * host, base path and operation ids as the public document, so the runner resolves
 * `findPetsByStatus` / `getPetById` to `https://petstore.swagger.io/v2/...` exactly as it would online.
 */
const petRef = { $ref: '#/definitions/Pet' };
const notFound = { description: 'Pet not found' };

export const PETSTORE_SWAGGER = {
  swagger: '2.0',
  info: { title: 'Swagger Petstore (conformance fake)', version: '1.0.7' },
  host: 'petstore.swagger.io',
  basePath: '/v2',
  schemes: ['https'],
  consumes: ['application/json'],
  produces: ['application/json'],
  paths: {
    '/pet': {
      post: {
        operationId: 'addPet',
        summary: 'Add a new pet to the store',
        parameters: [{ in: 'body', name: 'body', required: true, schema: petRef }],
        responses: {
          '200': { description: 'the stored pet', schema: petRef },
          '405': { description: 'Invalid input' },
        },
      },
      put: {
        operationId: 'updatePet',
        summary: 'Update an existing pet',
        parameters: [{ in: 'body', name: 'body', required: true, schema: petRef }],
        responses: { '200': { description: 'the stored pet', schema: petRef }, '404': notFound },
      },
    },
    '/pet/findByStatus': {
      get: {
        operationId: 'findPetsByStatus',
        summary: 'Finds Pets by status',
        parameters: [
          {
            in: 'query',
            name: 'status',
            required: true,
            type: 'array',
            items: { type: 'string', enum: ['available', 'pending', 'sold'] },
            collectionFormat: 'multi',
          },
        ],
        responses: { '200': { description: 'matching pets', schema: { type: 'array', items: petRef } } },
      },
    },
    '/pet/{petId}': {
      get: {
        operationId: 'getPetById',
        summary: 'Find pet by ID',
        parameters: [{ in: 'path', name: 'petId', required: true, type: 'integer', format: 'int64' }],
        responses: { '200': { description: 'the pet', schema: petRef }, '404': notFound },
      },
      delete: {
        operationId: 'deletePet',
        summary: 'Deletes a pet',
        parameters: [{ in: 'path', name: 'petId', required: true, type: 'integer', format: 'int64' }],
        responses: { '200': { description: 'deleted' }, '404': notFound },
      },
    },
  },
  definitions: {
    Category: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    Tag: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    Pet: {
      type: 'object',
      required: ['name', 'photoUrls'],
      properties: {
        id: { type: 'integer', format: 'int64' },
        category: { $ref: '#/definitions/Category' },
        name: { type: 'string' },
        photoUrls: { type: 'array', items: { type: 'string' } },
        tags: { type: 'array', items: { $ref: '#/definitions/Tag' } },
        status: { type: 'string', enum: ['available', 'pending', 'sold'] },
      },
    },
  },
} as const;
