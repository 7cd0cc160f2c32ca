import { Controller, UseFilters } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type {
  ListDefinitionsRequest,
  ListDefinitionsResponse,
  RegisterDefinitionRequest,
  RegisterDefinitionResponse,
  RemoveDefinitionRequest,
  RemoveDefinitionResponse,
} from '../generated/ai/stigmer/workflow/runner/v1/io';
import { COMMAND_SERVICE } from '../executor/grpc-options';
import { RpcExceptionFilter } from '../executor/rpc-exception.filter';
import { DefinitionsService } from './definitions.service';

/** The definition RPCs of WorkflowRunnerCommandController (the other commands live in CommandController). */
@Controller()
@UseFilters(RpcExceptionFilter)
export class DefinitionsController {
  constructor(private readonly definitions: DefinitionsService) {}

  @GrpcMethod(COMMAND_SERVICE, 'registerDefinition')
  async registerDefinition(request: RegisterDefinitionRequest): Promise<RegisterDefinitionResponse> {
    const result = await this.definitions.register(request.workflowYaml);
    return {
      namespace: result.namespace,
      name: result.name,
      version: result.version,
      changed: result.changed,
      scheduleId: result.scheduleId ?? '',
      afterLoopId: result.afterLoopId ?? '',
    };
  }

  @GrpcMethod(COMMAND_SERVICE, 'removeDefinition')
  async removeDefinition(request: RemoveDefinitionRequest): Promise<RemoveDefinitionResponse> {
    const result = await this.definitions.remove(request);
    return { removed: result.removed, scheduleId: result.scheduleId ?? '' };
  }

  @GrpcMethod(COMMAND_SERVICE, 'listDefinitions')
  async listDefinitions(request: ListDefinitionsRequest): Promise<ListDefinitionsResponse> {
    return { definitions: await this.definitions.list(request) };
  }
}
